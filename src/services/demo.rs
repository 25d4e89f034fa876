//! Demo data: an organisation, a consultation on the Government Digital Transformation Plan
//! and one account per role. Running it again changes nothing.

use chrono::Duration;

use crate::auth::tokens::random_token;
use crate::db::models::consultations::{self, NewOrganisation};
use crate::db::now;
use crate::domain::policy::Actor;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services;
use crate::services::consultations::ConsultationInput;
use crate::services::users_admin;
use crate::state::AppState;

pub const DEMO_ORGANISATION: &str = "digital-agency";
pub const DEMO_CONSULTATION: &str = "digital-transformation-plan";

const PLAN_BODY: &str = "\
この計画は、行政のあらゆるサービスを利用者中心に作り直すための道筋を示すものです。\
次の三つの原則ごとに、ご意見をお寄せください。

*This plan sets out how every public service will be rebuilt around the people who use it. \
Please share your ideas on each of its three principles.*

## 1. デジタルファースト（Digital first）

個々の手続・サービスが一貫してデジタルで完結すること。窓口や紙の書類を前提とせず、\
申請から通知、公式な回答まで、すべての段階をオンラインで行えるようにします。

*Each procedure and service is completed digitally from start to finish: application, \
notification and the official answer all happen online.*

## 2. ワンスオンリー（Once only）

一度提出した情報は、二度提出することを不要とすること。行政機関の間で情報を連携し、\
同じ内容を何度も記入する負担をなくします。

*Information submitted once never has to be submitted again: agencies share what they \
already hold instead of asking people twice.*

## 3. コネクテッド・ワンストップ（Connected one-stop）

民間サービスを含め、複数の手続・サービスをワンストップで実現すること。引っ越しや出産など、\
ライフイベントごとに必要な手続を一か所で済ませられるようにします。

*Several procedures, including private services, are completed in one place: a move or a \
birth means one visit, not ten.*
";

/// What `demo` did, for the command line to print.
pub struct DemoReport {
    pub created_organisation: bool,
    pub created_consultation: bool,
    /// Accounts created now, with their one-time passwords.
    pub new_accounts: Vec<(Role, String, String)>,
    pub existing_accounts: Vec<(Role, String)>,
}

pub fn demo_email(role: Role) -> String {
    format!("{}@demo.ideabox.example", role.as_str())
}

pub async fn load(state: &AppState) -> Result<DemoReport, AppError> {
    let created_organisation = state
        .db
        .write(|c| {
            if consultations::find_organisation_by_slug(c, DEMO_ORGANISATION)?.is_some() {
                return Ok(false);
            }
            consultations::insert_organisation(
                c,
                &NewOrganisation {
                    slug: DEMO_ORGANISATION,
                    name_ja: "デジタル庁",
                    name_en: "Digital Agency",
                    created_at: now(),
                },
            )?;
            Ok(true)
        })
        .await?;
    let exists = state
        .db
        .read(|c| Ok(consultations::find_by_slug(c, DEMO_CONSULTATION)?.is_some()))
        .await?;
    let created_consultation = !exists;
    if !exists {
        // The command line is trusted: it acts as an administrator.
        let admin = Actor {
            role: Role::Admin,
            verified: true,
        };
        let at = now();
        let rfc = |t: chrono::NaiveDateTime| t.and_utc().to_rfc3339();
        services::consultations::create(
            state,
            &admin,
            ConsultationInput {
                slug: Some(DEMO_CONSULTATION.to_owned()),
                organisation: Some(DEMO_ORGANISATION.to_owned()),
                title: Some("デジタル・ガバメント実行計画（案）".to_owned()),
                summary: Some("行政サービスのデジタル化に向けた計画案です。三つの原則について、あなたのアイデアをお寄せください。".to_owned()),
                body: Some(PLAN_BODY.to_owned()),
                opens_at: Some(rfc(at - Duration::days(1))),
                closes_at: Some(rfc(at + Duration::days(30))),
                status: Some("open".to_owned()),
            },
        )
        .await?;
    }

    let mut new_accounts = Vec::new();
    let mut existing_accounts = Vec::new();
    for role in Role::ALL {
        let email = demo_email(role);
        if users_admin::find_by_email(state, &email).await?.is_some() {
            existing_accounts.push((role, email));
            continue;
        }
        let password = random_token()?.chars().take(20).collect::<String>();
        let name = format!("Demo {}", role.as_str());
        users_admin::create_user(state, &email, &name, role, true, &password).await?;
        new_accounts.push((role, email, password));
    }
    Ok(DemoReport {
        created_organisation,
        created_consultation,
        new_accounts,
        existing_accounts,
    })
}
