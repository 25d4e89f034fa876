//! Demo data: an organisation, a consultation on the Government Digital Transformation Plan
//! and one account per role. Running it again changes nothing.

use chrono::Duration;

use crate::auth::tokens::random_token;
use crate::db::models::consultations::{self, NewOrganisation};
use crate::db::models::outbox as outbox_rows;
use crate::db::now;
use crate::domain::content::VoteValue;
use crate::domain::identity::{Credential, Identity};
use crate::domain::ids::{CommentId, IdeaId, SessionId};
use crate::domain::lang::Lang;
use crate::domain::policy::Actor;
use crate::domain::role::Role;
use crate::domain::submission::RawSubmission;
use crate::error::AppError;
use crate::services;
use crate::services::consultations::ConsultationInput;
use crate::services::context::ServiceContext;
use crate::services::ideas::IdeaInput;
use crate::services::users_admin;

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
    /// Ideas added to the demo consultation (0 when it already had some).
    pub created_ideas: usize,
    /// Submissions received by mail and post added now (0 when they were already there),
    /// and the campaigns they were grouped into.
    pub created_submissions: usize,
    pub campaigns: i64,
}

/// The draft plan text the demo consultations are about.
pub fn plan_body() -> &'static str {
    PLAN_BODY
}

pub fn demo_email(role: Role) -> String {
    format!("{}@demo.ideabox.example", role.as_str())
}

pub async fn load(ctx: &ServiceContext) -> Result<DemoReport, AppError> {
    let created_organisation = ctx
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
    let exists = ctx
        .db
        .read(|c| Ok(consultations::find_by_slug(c, DEMO_CONSULTATION)?.is_some()))
        .await?;
    let created_consultation = !exists;
    if !exists {
        // The command line is trusted: it acts as an administrator.
        let admin = Actor {
            suspended: false,
            role: Role::Admin,
            verified: true,
        };
        let at = now();
        let rfc = |t: chrono::NaiveDateTime| t.and_utc().to_rfc3339();
        services::consultations::create(
            ctx,
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
                premoderation: None,
            },
        )
        .await?;
    }

    let mut new_accounts = Vec::new();
    let mut existing_accounts = Vec::new();
    for role in Role::ALL {
        let email = demo_email(role);
        if users_admin::find_by_email(ctx, &email).await?.is_some() {
            existing_accounts.push((role, email));
            continue;
        }
        let password = random_token()?.chars().take(20).collect::<String>();
        let name = format!("Demo {}", role.as_str());
        users_admin::create_user(ctx, &email, &name, role, true, &password).await?;
        new_accounts.push((role, email, password));
    }
    let created_ideas = load_discussion(ctx).await?;
    let (created_submissions, campaigns) = load_submissions(ctx).await?;
    Ok(DemoReport {
        created_organisation,
        created_consultation,
        new_accounts,
        existing_accounts,
        created_ideas,
        created_submissions,
        campaigns,
    })
}

/// (channel, received, submitter name, submitter email, title, body): letters and mails
/// from fictitious people. Their names and addresses are private: staff see them, no public
/// page, feed, API answer or export does.
const LETTERS: [(&str, &str, &str, &str, &str, &str); 4] = [
    (
        "post",
        "2026-12-01T10:00:00+09:00",
        "郵便 花子",
        "hanako.yubin@example.jp",
        "紙の申請も残してください",
        "インターネットを使えない家族がいます。オンライン化を進めても、郵送での申請を残してください。",
    ),
    (
        "post",
        "2026-12-02T09:30:00+09:00",
        "手紙 一郎",
        "",
        "",
        "役所の書類は字が小さくて読めません。大きな文字の様式も用意してください。",
    ),
    (
        "email",
        "2026-12-02T21:15:00+09:00",
        "Alex Mailer",
        "alex.mailer@example.com",
        "Keep a phone line for help",
        "Online services are welcome, but please keep a phone number people can call when the website does not work.",
    ),
    (
        "fax",
        "2026-12-03T08:05:00+09:00",
        "ファクス 商店",
        "",
        "事業者向けの窓口",
        "小さな商店では電子申請の準備に時間がかかります。事業者向けの相談窓口を設けてください。",
    ),
];

/// The form letter of the demo campaign; copies arrive by post with small differences.
const FORM_LETTER: &str = "私はデジタル・ガバメント実行計画（案）に反対します。\
マイナンバーカードの取得を行政サービスの条件にしないでください。\
紙の手続と窓口を2030年まで残すことを求めます。";

/// Personal sentences some senders add before or after the letter.
const ADDITIONS: [&str; 6] = [
    "母は90歳で、スマートフォンを持っていません。",
    "私の町には役場の出張所しかありません。",
    "先日、オンライン申請が途中で止まり困りました。",
    "視覚に障害があり、画面の操作が難しいです。",
    "子どもの手続は窓口で相談しながら進めたいです。",
    "どうかこの声を届けてください。",
];

/// Copies of the demo campaign's letter.
const CAMPAIGN_COPIES: usize = 300;

/// Mail and paper submissions for the demo consultation, and a campaign of a form letter
/// imported from a CSV file as a staff member would, then grouped. Added once.
async fn load_submissions(ctx: &ServiceContext) -> Result<(usize, i64), AppError> {
    let already = ctx
        .db
        .read(|c| {
            let consultation =
                consultations::find_by_slug(c, DEMO_CONSULTATION)?.ok_or(AppError::NotFound)?;
            use crate::db::schema::ideas;
            use diesel::prelude::*;
            let received_elsewhere: i64 = ideas::table
                .filter(ideas::consultation_id.eq(consultation.id))
                .filter(ideas::channel.ne("web"))
                .count()
                .get_result(c)?;
            Ok(received_elsewhere > 0)
        })
        .await?;
    if already {
        return Ok((0, 0));
    }
    let Some(moderator) = users_admin::find_by_email(ctx, &demo_email(Role::Moderator)).await?
    else {
        return Ok((0, 0));
    };
    let moderator = Identity {
        user: moderator.current_user(),
        credential: Credential::Session {
            id: SessionId(0),
            csrf_token: String::new(),
        },
    };
    let optional = |v: &'static str| Some(v).filter(|v| !v.is_empty());
    for (channel, received_at, name, email, title, body) in LETTERS {
        services::submissions::record(
            ctx,
            &moderator,
            DEMO_CONSULTATION,
            RawSubmission {
                channel: Some(channel),
                received_at: Some(received_at),
                title: optional(title),
                body,
                section: None,
                submitter_name: optional(name),
                submitter_email: optional(email),
                organisation: None,
            },
        )
        .await?;
    }
    let csv = campaign_csv();
    let uploaded = services::imports::upload(
        ctx,
        &moderator,
        DEMO_CONSULTATION,
        services::imports::ImportFormat::Csv,
        Some("post"),
        futures_util::stream::iter([Ok::<_, std::io::Error>(csv.into_bytes())]),
    )
    .await?;
    let handlers = services::job_handlers::all();
    // Nothing stops the demo half-way: a receiver whose sender is kept says "never".
    let (_keep, never) = tokio::sync::watch::channel(false);
    let import = services::jobs::run_here(ctx, &handlers, uploaded.job_id, never.clone()).await?;
    if import.status != "done" {
        return Err(AppError::internal(anyhow::anyhow!(
            "the demo campaign's import failed: {:?}",
            import.result
        )));
    }
    // Grouped now rather than a minute later, so the campaign page is ready at once.
    let regroup = services::campaigns::regroup_now(ctx, &moderator, DEMO_CONSULTATION).await?;
    services::jobs::run_here(ctx, &handlers, regroup, never).await?;
    let campaigns = ctx
        .db
        .read(|c| {
            let consultation =
                consultations::find_by_slug(c, DEMO_CONSULTATION)?.ok_or(AppError::NotFound)?;
            Ok(crate::db::models::campaigns::count(c, consultation.id)?)
        })
        .await?;
    Ok((LETTERS.len() + CAMPAIGN_COPIES + 2, campaigns))
}

/// The demo campaign as a CSV of letters received by post over ten days: mostly exact
/// copies, some with a personal sentence before or after, some typed with full-width
/// digits or other punctuation; two of them signed (names kept private).
fn campaign_csv() -> String {
    let mut rng = crate::dev::synthetic_campaigns::Rng::new(12);
    let mut csv =
        String::from("channel,received_at,submitter_name,submitter_email,title,body,section\n");
    let start = now() - Duration::days(10);
    for i in 0..CAMPAIGN_COPIES {
        let mut body = match rng.below(10) {
            0 => FORM_LETTER.replace("2030", "２０３０"),
            1 => FORM_LETTER.replace('。', "．").replace('、', "，"),
            2 => FORM_LETTER.replace('。', "。 "),
            _ => FORM_LETTER.to_owned(),
        };
        match rng.below(6) {
            0 => body = format!("{}{body}", ADDITIONS[rng.below(ADDITIONS.len())]),
            1 => body.push_str(ADDITIONS[rng.below(ADDITIONS.len())]),
            _ => {}
        }
        let received = start + Duration::minutes((i as i64) * 48 + rng.below(40) as i64);
        let received = received.and_utc().to_rfc3339();
        csv.push_str(&format!("post,{received},,,,\"{body}\",\n"));
    }
    // Two signed copies: private names with the same letter.
    let at = now().and_utc().to_rfc3339();
    csv.push_str(&format!(
        "post,{at},紙谷 次郎,jiro.kamiya@example.jp,,\"{FORM_LETTER}\",\n"
    ));
    csv.push_str(&format!(
        "post,{at},Sam Letters,,,\"{FORM_LETTER}どうかこの声を届けてください。\",\n"
    ));
    csv
}

/// Fictitious participants of the demo discussion (they cannot log in: nobody knows their
/// random passwords).
const PARTICIPANTS: [&str; 6] = ["さくら", "Ken", "ひろし", "Mia", "ゆうこ", "Tom"];

/// (author index, section, title, body)
const IDEAS: [(usize, &str, &str, &str); 12] = [
    (
        0,
        "s1",
        "行政のデジタル化を進める",
        "引っ越しのたびに役所へ行く必要をなくしてほしい。**すべての届出をスマートフォンで**完結できるようにしてください。",
    ),
    (
        1,
        "s1",
        "Publish every form as an online service first",
        "Paper should be the fallback, not the default. Start with the 100 most used forms and measure completion rates.",
    ),
    (
        2,
        "s1",
        "高齢者向けのデジタル窓口サポート",
        "オンライン化と同時に、公民館などで操作を手伝う窓口を用意してほしい。取り残される人が出ないように。",
    ),
    (
        3,
        "s2",
        "Stop asking for the same certificate twice",
        "If one agency already holds my residence certificate, another agency should fetch it (with my consent) instead of asking me to upload it again.",
    ),
    (
        4,
        "s2",
        "一度出した情報は二度と書かせない",
        "子どもの保育園の申請で、同じ内容を何度も書きました。マイナンバーで連携してワンスオンリーを実現してほしい。",
    ),
    (
        5,
        "s2",
        "Show people which agency holds which data",
        "Once-only only works with trust: a dashboard where I can see which agencies accessed my data, and why.",
    ),
    (
        0,
        "s3",
        "出産の手続を一か所で",
        "出生届、児童手当、保険証の手続を一度にできるワンストップ窓口をオンラインで作ってください。",
    ),
    (
        1,
        "s3",
        "Open APIs so private services can connect",
        "Banks and moving companies could start address changes for us if the government offered secure, documented APIs.",
    ),
    (
        2,
        "s3",
        "引っ越しワンストップサービスの全国展開",
        "一部の自治体だけでなく、全国どこでも同じ手続でできるようにしてほしい。",
    ),
    (
        3,
        "s1",
        "Plain-language design standards",
        "Every new digital service should pass usability testing with real people, including people using screen readers.",
    ),
    (
        4,
        "s2",
        "行政のデータ連携のルールを公開する",
        "どの情報がどの機関に渡るのか、ルールを分かりやすく公開してください。",
    ),
    (
        5,
        "s3",
        "One account for every ministry",
        "I want one login for every government service, not a new account per ministry.",
    ),
];

/// (idea index, commenter index, reply-to comment of this list or none, body)
const COMMENTS: [(usize, usize, Option<usize>, &str); 10] = [
    (
        0,
        1,
        None,
        "Agreed. The moving procedure alone took me three visits last year.",
    ),
    (
        0,
        2,
        Some(0),
        "同感です。転出と転入で二回も窓口に行きました。",
    ),
    (
        0,
        4,
        None,
        "スマートフォンが苦手な人への配慮も合わせてお願いします。",
    ),
    (
        3,
        0,
        None,
        "マイナンバーカードとの連携で実現できそうですね。",
    ),
    (3, 5, Some(3), "As long as consent is explicit and logged."),
    (
        4,
        3,
        None,
        "This is exactly the once-only principle. Strong support.",
    ),
    (
        6,
        1,
        None,
        "A single online form for births would save new parents a lot of stress.",
    ),
    (7, 4, None, "セキュリティの基準も同時に示してほしいです。"),
    (11, 2, None, "全府省庁で同じアカウントが使えると便利です。"),
    (11, 0, Some(8), "まさにコネクテッド・ワンストップですね。"),
];

/// Ideas, comments and votes in Japanese and English, so the consultation looks lived in.
/// Added once: nothing happens if the consultation already has ideas.
async fn load_discussion(ctx: &ServiceContext) -> Result<usize, AppError> {
    let has_ideas = ctx
        .db
        .read(|c| {
            let consultation =
                consultations::find_by_slug(c, DEMO_CONSULTATION)?.ok_or(AppError::NotFound)?;
            Ok(consultations::totals(c, consultation.id)?.0 > 0)
        })
        .await?;
    if has_ideas {
        return Ok(0);
    }
    let mut people = Vec::new();
    for (i, name) in PARTICIPANTS.iter().enumerate() {
        let email = format!("participant{}@demo.ideabox.example", i + 1);
        let user = match users_admin::find_by_email(ctx, &email).await? {
            Some(user) => user,
            None => {
                let password = random_token()?;
                users_admin::create_user(ctx, &email, name, Role::Citizen, true, &password).await?;
                users_admin::find_by_email(ctx, &email)
                    .await?
                    .ok_or(AppError::NotFound)?
            }
        };
        people.push(Identity {
            user: user.current_user(),
            credential: Credential::Session {
                id: SessionId(0),
                csrf_token: String::new(),
            },
        });
    }
    let mut idea_ids = Vec::new();
    for (author, section, title, body) in IDEAS {
        let lang = if title.is_ascii() { Lang::En } else { Lang::Ja };
        let input = IdeaInput {
            title,
            body,
            section: Some(section),
        };
        let idea =
            services::ideas::post(ctx, &people[author], DEMO_CONSULTATION, input, lang).await?;
        idea_ids.push(idea.summary.id);
    }
    let mut comment_ids = Vec::new();
    for (idea, by, parent, body) in COMMENTS {
        let parent_id = parent.map(|p| comment_ids[p]);
        let comment =
            services::comments::post(ctx, &people[by], IdeaId(idea_ids[idea]), body, parent_id)
                .await?;
        comment_ids.push(CommentId(comment.id));
    }
    // Support grows with the idea's index modulo a pattern, with some opposition, so every
    // sort order shows something different.
    for (k, idea) in idea_ids.iter().enumerate() {
        let author = IDEAS[k].0;
        for (p, person) in people.iter().enumerate() {
            if p == author {
                continue;
            }
            let value = match (k + p) % 5 {
                0..=2 => Some(VoteValue::Support),
                3 if k % 3 == 0 => Some(VoteValue::Oppose),
                _ => None,
            };
            if let Some(value) = value {
                services::votes::set(ctx, person, IdeaId(*idea), value).await?;
            }
        }
    }
    curate(ctx, &people, &idea_ids).await?;
    // The participants are fictitious: their receipt emails go nowhere.
    ctx.db
        .write(|c| Ok(outbox_rows::delete_for_demo(c, "%@demo.ideabox.example")?))
        .await?;
    Ok(idea_ids.len())
}

/// (slug, Japanese, English, colour, ideas by index)
const TAGS: [(&str, &str, &str, &str, &[usize]); 3] = [
    (
        "online-services",
        "オンライン手続",
        "Online services",
        "#0031d8",
        &[0, 1, 6, 8],
    ),
    (
        "data-sharing",
        "データ連携",
        "Data sharing",
        "#136f3d",
        &[3, 4, 5, 10],
    ),
    (
        "accessibility",
        "誰一人取り残さない",
        "Nobody left behind",
        "#7a4b00",
        &[2, 9],
    ),
];

/// The moderation side of the demo: tags, a few reports, and one spam comment hidden with
/// a public reason, so the queue, tags and transparency page have something to show.
async fn curate(ctx: &ServiceContext, people: &[Identity], ideas: &[i64]) -> Result<(), AppError> {
    let Some(moderator) = users_admin::find_by_email(ctx, &demo_email(Role::Moderator)).await?
    else {
        return Ok(());
    };
    let moderator = Identity {
        user: moderator.current_user(),
        credential: Credential::Session {
            id: SessionId(0),
            csrf_token: String::new(),
        },
    };
    for (slug, ja, en, color, tagged) in TAGS {
        let input = services::tags::TagInput {
            slug: Some(slug.to_owned()),
            name_ja: Some(ja.to_owned()),
            name_en: Some(en.to_owned()),
            color: Some(color.to_owned()),
            description: None,
        };
        services::tags::create(ctx, &moderator, DEMO_CONSULTATION, input).await?;
        let ids = tagged.iter().map(|i| ideas[*i]).collect();
        services::tags::bulk(ctx, &moderator, DEMO_CONSULTATION, slug, ids, Vec::new()).await?;
    }
    // A spam comment, reported by two people and hidden by the moderator.
    let spam = services::comments::post(
        ctx,
        &people[5],
        IdeaId(ideas[7]),
        "Cheap pills, visit my shop!!!",
        None,
    )
    .await?;
    for reporter in &people[0..2] {
        services::moderation::report(
            ctx,
            reporter,
            services::moderation::Target::Comment(CommentId(spam.id)),
            "spam",
            None,
        )
        .await?;
    }
    services::moderation::act(
        ctx,
        &moderator,
        services::moderation::Target::Comment(CommentId(spam.id)),
        "hide",
        "spam",
        None,
    )
    .await?;
    // An open report waiting in the queue.
    services::moderation::report(
        ctx,
        &people[3],
        services::moderation::Target::Idea(IdeaId(ideas[4])),
        "off_topic",
        Some("Is this about the plan?"),
    )
    .await?;
    Ok(())
}
