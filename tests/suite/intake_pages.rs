//! The staff pages for submissions from every channel, as staff use them in a browser: the
//! record form, the upload (the page's script sends the file to the API with the session's
//! CSRF token), a job's page with its receipts, the campaign ledger and a campaign's page
//! with the copies' own additions, the moderators' decisions, and the counts with their
//! rule on the report, the disposition table and the exports. Private submitter details
//! appear on no public page, feed, API answer or export.

use ideabox::domain::role::Role;
use serde_json::{Value, json};

use crate::submissions::finished_job;
use crate::support::fixtures::{citizen, open_consultation};
use crate::support::{Browser, TestApp};

const LETTER: &str = "デジタル庁の計画案について意見を申し上げます。マイナンバーカードと健康保険証の一体化は、\
高齢者や障害のある方に配慮し、紙の保険証も当面は使えるようにしてください。";
const ADDITION: &str = "私は二児の母で、毎月子どもを小児科に連れて行っています。";

/// Uploads as the page's script does: the file as the body, the session cookie, the CSRF
/// token in `X-CSRF-Token` and a same-origin `Origin`.
async fn upload_from_page(
    app: &TestApp,
    browser: &Browser,
    slug: &str,
    body: Vec<u8>,
    with_token: bool,
) -> (u16, Value) {
    let page = format!("/c/{slug}/submissions/import");
    let token = browser.csrf_token(&page).await;
    let mut req = browser
        .client
        .post(app.url(&format!("/api/v1/consultations/{slug}/submissions/import")))
        .header("Origin", browser.base.clone())
        .header("Content-Type", "text/csv")
        .body(body);
    if with_token {
        req = req.header("X-CSRF-Token", token);
    }
    let res = req.send().await.expect("upload");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn staff_record_a_letter_on_its_form_and_see_its_receipt_number() {
    let app = crate::support::spawn_app().await;
    let c = open_consultation(&app).await;
    let moderator = app
        .signed_in("moderator@example.go.jp", Role::Moderator)
        .await;
    let form = format!("/c/{}/submissions/new", c.slug);
    let (status, page) = moderator.page(&form).await;
    assert_eq!(status, 200);
    assert!(page.contains("name=\"submitter_name\""), "{page}");

    let before = app.count("SELECT COUNT(*) FROM ideas");
    let res = moderator
        .submit(
            &form,
            &form,
            &[
                ("channel", "fax"),
                ("body", "   "),
                ("submitter_name", "ファクス 太郎"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422, "an empty text is refused");
    let again = res.text().await.unwrap();
    assert!(
        again.contains("ファクス 太郎"),
        "the form keeps what was typed"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM ideas"),
        before,
        "nothing kept"
    );

    let res = moderator
        .submit(
            &form,
            &form,
            &[
                ("channel", "fax"),
                ("received_at", "2026-11-30T09:30"),
                ("submitter_name", "ファクス 太郎"),
                ("submitter_email", "taro.fax@example.jp"),
                ("organisation", "町内会"),
                ("body", "窓口の予約をオンラインでできるようにしてください。"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let next = location(&res);
    assert!(next.starts_with(&format!("{form}?recorded=")), "{next}");
    let id: i64 = next.rsplit('=').next().unwrap().parse().unwrap();
    let receipt: String = {
        let (_, _, idea) = app.api().get(&format!("/api/v1/ideas/{id}"), None).await;
        assert_eq!(idea["channel"], "fax");
        idea["receipt"].as_str().unwrap().to_owned()
    };
    let (_, confirmed) = moderator.page(&next).await;
    assert!(confirmed.contains(&receipt), "the receipt number is shown");

    let (_, staff_view) = moderator.page(&format!("/ideas/{id}")).await;
    assert!(
        staff_view.contains("taro.fax@example.jp"),
        "staff see who sent it"
    );
    let (_, public) = app.browser().page(&format!("/ideas/{id}")).await;
    assert!(public.contains("FAXによる意見"));
    for secret in ["ファクス 太郎", "taro.fax@example.jp", "町内会"] {
        assert!(!public.contains(secret), "{secret} on the public page");
    }

    // Citizens get neither the form nor the upload page, and cannot post to it.
    let someone = app.signed_in("citizen@example.jp", Role::Citizen).await;
    assert_eq!(someone.page(&form).await.0, 403);
    let (_, citizen_view) = someone.page(&format!("/ideas/{id}")).await;
    assert!(!citizen_view.contains("taro.fax@example.jp"));
    assert_eq!(
        someone
            .page(&format!("/c/{}/submissions/import", c.slug))
            .await
            .0,
        403
    );
    let token = someone.csrf_token(&format!("/c/{}", c.slug)).await;
    let res = someone
        .post_form_raw(&form, &[("csrf_token", &token), ("body", "不正な登録")])
        .await;
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM ideas WHERE body = '不正な登録'"),
        0
    );
}

#[tokio::test]
async fn an_upload_from_the_page_runs_as_a_job_whose_page_lists_every_receipt() {
    let app = crate::support::spawn_app().await;
    let c = open_consultation(&app).await;
    let drafter = app.signed_in("drafter@example.go.jp", Role::Drafter).await;
    let csv = "body,submitter_name\n行政手続をオンラインで完結させてください。,秘密 一郎\n紙の書類をなくしてください。,秘密 二郎\n";

    // Without the CSRF token the session may not upload, and nothing is stored.
    let (status, _) = upload_from_page(&app, &drafter, &c.slug, csv.into(), false).await;
    assert_eq!(status, 403);
    assert_eq!(app.count("SELECT COUNT(*) FROM import_files"), 0);

    let (status, accepted) = upload_from_page(&app, &drafter, &c.slug, csv.into(), true).await;
    assert_eq!(status, 202, "{accepted}");
    let job = accepted["job"]["id"].as_i64().unwrap();
    let token = app.api().token("drafter@example.go.jp").await;
    let done = finished_job(&app, &token, job).await;
    assert_eq!(done["status"], "done", "{done}");

    let (status, page) = drafter.page(&format!("/jobs/{job}")).await;
    assert_eq!(status, 200);
    for r in done["result"]["receipts"].as_array().unwrap() {
        assert!(page.contains(r["receipt"].as_str().unwrap()), "{page}");
    }
    let res = drafter.get(&format!("/jobs/{job}/receipts.csv")).await;
    assert_eq!(res.status().as_u16(), 200);
    let table = res.text().await.unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "line,receipt");
    assert_eq!(lines.len(), 3, "{table}");
    assert!(
        lines[1].starts_with("2,IB-"),
        "line 2 is the first data row"
    );

    // A citizen cannot follow somebody else's job.
    let someone = app.signed_in("citizen@example.jp", Role::Citizen).await;
    assert_eq!(someone.page(&format!("/jobs/{job}")).await.0, 404);
    assert_eq!(
        someone
            .get(&format!("/jobs/{job}/receipts.csv"))
            .await
            .status()
            .as_u16(),
        404
    );
}

/// Imports six copies of the letter (one with a personal sentence), two unrelated opinions,
/// and groups them; returns a moderator's browser.
async fn consultation_with_a_campaign(app: &TestApp, slug: &str) -> Browser {
    let moderator = app
        .signed_in("moderator@example.go.jp", Role::Moderator)
        .await;
    let mut csv = String::from("body\n");
    for n in 0..6 {
        let copy = if n == 1 {
            format!("{ADDITION}{LETTER}")
        } else {
            LETTER.to_owned()
        };
        csv.push_str(&format!("\"{copy}\"\n"));
    }
    csv.push_str("反対です。\n行政手続のオンライン化を急いでください。窓口に行かずに済むようにしてほしい。\n");
    let (status, accepted) = upload_from_page(app, &moderator, slug, csv.into(), true).await;
    assert_eq!(status, 202, "{accepted}");
    let token = app.api().token("moderator@example.go.jp").await;
    let job = accepted["job"]["id"].as_i64().unwrap();
    assert_eq!(finished_job(app, &token, job).await["status"], "done");
    regroup_from_page(app, &moderator, slug).await;
    moderator
}

async fn regroup_from_page(app: &TestApp, browser: &Browser, slug: &str) {
    let ledger = format!("/c/{slug}/campaigns");
    let res = browser
        .submit(&ledger, &format!("/c/{slug}/campaigns/regroup"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let job: i64 = location(&res)
        .strip_prefix("/jobs/")
        .and_then(|id| id.parse().ok())
        .expect("the job's page");
    let token = app.api().token("moderator@example.go.jp").await;
    assert_eq!(finished_job(app, &token, job).await["status"], "done");
}

#[tokio::test]
async fn the_ledger_shows_the_counts_and_each_letter_once_with_its_copies_additions() {
    let app = crate::support::spawn_app().await;
    let c = open_consultation(&app).await;
    let moderator = consultation_with_a_campaign(&app, &c.slug).await;

    let (status, ledger) = moderator.page(&format!("/c/{}/campaigns", c.slug)).await;
    assert_eq!(status, 200);
    assert!(
        ledger.contains("提出意見数 8（うち同一・類似の文面 6 件、1 種類）"),
        "the counting rule with the counts: {ledger}"
    );
    let campaign: i64 = app.count("SELECT MIN(id) FROM campaigns");
    assert!(ledger.contains(&format!("/campaigns/{campaign}")));
    assert_eq!(
        ledger.matches("デジタル庁の計画案について").count(),
        1,
        "the letter is shown once"
    );

    let (status, page) = moderator.page(&format!("/campaigns/{campaign}")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!("<mark class=\"addition\">{ADDITION}</mark>")),
        "a copy's own sentence is highlighted: {page}"
    );
    assert!(page.contains("<svg"), "the arrivals chart");

    // Citizens see no ledger.
    let someone = app.signed_in("citizen@example.jp", Role::Citizen).await;
    assert_eq!(
        someone.page(&format!("/c/{}/campaigns", c.slug)).await.0,
        403
    );
    assert_eq!(someone.page(&format!("/campaigns/{campaign}")).await.0, 403);
}

#[tokio::test]
async fn a_submission_taken_out_of_its_campaign_stays_out_after_every_regrouping() {
    let app = crate::support::spawn_app().await;
    let c = open_consultation(&app).await;
    let moderator = consultation_with_a_campaign(&app, &c.slug).await;
    let campaign = app.count("SELECT MIN(id) FROM campaigns");
    let copy = app.count(&format!(
        "SELECT MIN(id) FROM ideas WHERE campaign_id = {campaign} AND body LIKE '{}%'",
        &ADDITION[..12]
    ));
    let page = format!("/campaigns/{campaign}");
    let res = moderator
        .submit(
            &page,
            &format!("/ideas/{copy}/campaign"),
            &[
                ("action", "detach"),
                ("back", &page),
                ("note", "個人の事情が中心"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(location(&res), page);
    let token = app.api().token("moderator@example.go.jp").await;
    let job = app.count("SELECT MAX(id) FROM jobs");
    assert_eq!(finished_job(&app, &token, job).await["status"], "done");
    let detached = format!("SELECT COUNT(*) FROM ideas WHERE id = {copy} AND campaign_id IS NULL");
    assert_eq!(app.count(&detached), 1);
    regroup_from_page(&app, &moderator, &c.slug).await;
    assert_eq!(app.count(&detached), 1, "the decision holds");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM moderation_actions WHERE action = 'campaign_detach'"),
        1,
        "and is logged"
    );

    // A drafter may read the ledger but not decide.
    let drafter = app.signed_in("drafter@example.go.jp", Role::Drafter).await;
    let res = drafter
        .submit(
            &page,
            &format!("/ideas/{copy}/campaign"),
            &[("action", "join"), ("with", "1")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 403);
    let (_, page) = drafter.page(&format!("/campaigns/{campaign}")).await;
    assert!(
        !page.contains("value=\"detach\"") && !page.contains("value=\"join\""),
        "no decision forms for drafters"
    );
}

#[tokio::test]
async fn the_report_table_and_exports_state_the_counts_and_keep_senders_private() {
    let app = crate::support::spawn_app().await;
    let c = open_consultation(&app).await;
    let moderator = consultation_with_a_campaign(&app, &c.slug).await;
    // One more letter, with a sender whose details must stay private.
    let token = app.api().token("moderator@example.go.jp").await;
    let (status, _, recorded) = app
        .api()
        .post(
            &format!("/api/v1/consultations/{}/submissions", c.slug),
            &json!({
                "channel": "post",
                "body": "地方の窓口を残してください。",
                "submitter_name": "非公開 花子",
                "submitter_email": "private.hanako@example.jp",
                "organisation": "秘密の会",
            }),
            Some(&token),
        )
        .await;
    assert_eq!(status, 201, "{recorded}");
    regroup_from_page(&app, &moderator, &c.slug).await;
    let rule_ja = "提出意見数 9（うち同一・類似の文面 6 件、1 種類）";

    let drafter = app.signed_in("drafter@example.go.jp", Role::Drafter).await;
    for page in ["report", "disposition", "export"] {
        let (status, body) = drafter.page(&format!("/c/{}/{page}", c.slug)).await;
        assert_eq!(status, 200, "{page}");
        assert!(body.contains(rule_ja), "{page} states the counts: {body}");
    }
    let csv = drafter
        .get(&format!("/c/{}/export/download?format=csv", c.slug))
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.lines().next().unwrap().contains("受付経路"), "{csv}");
    assert!(csv.contains(",post,"), "each row names its channel");
    let json_export: Value = drafter
        .get(&format!("/c/{}/export/download?format=json", c.slug))
        .await
        .json()
        .await
        .unwrap();
    let counts = &json_export["consultation"]["counts"];
    assert_eq!(counts["submissions"], 9, "{counts}");
    assert_eq!(counts["in_campaigns"], 6);
    assert_eq!(counts["campaign_count"], 1);
    assert!(counts["counting_rule"].as_str().unwrap().contains(rule_ja));
    let sized = json_export["ideas"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["campaign"]["size"] == 6)
        .count();
    assert_eq!(sized, 6);

    // Nowhere public, and in no export, does a sender's name, address or group appear.
    let id = recorded["id"].as_i64().unwrap();
    let anonymous = app.browser();
    let someone = citizen(&app, "citizen@example.jp").await;
    let mut seen = Vec::new();
    for path in [
        format!("/c/{}", c.slug),
        format!("/c/{}/ideas", c.slug),
        format!("/ideas/{id}"),
        format!("/c/{}/feed.atom", c.slug),
        "/search?q=窓口".to_owned(),
    ] {
        seen.push((path.clone(), anonymous.page(&path).await.1));
    }
    for path in [
        format!("/api/v1/ideas/{id}"),
        format!("/api/v1/consultations/{}/ideas", c.slug),
    ] {
        let (_, _, body) = app.api().get(&path, Some(&someone)).await;
        seen.push((path, body.to_string()));
    }
    seen.push(("csv export".to_owned(), csv));
    seen.push(("json export".to_owned(), json_export.to_string()));
    for (path, body) in &seen {
        assert!(body.contains("窓口"), "{path} shows the submissions");
        for secret in ["非公開 花子", "private.hanako@example.jp", "秘密の会"] {
            assert!(!body.contains(secret), "{secret} appears on {path}");
        }
    }
}

#[tokio::test]
async fn drafters_answer_every_copy_of_a_campaign_at_once() {
    let app = crate::support::spawn_app().await;
    let c = open_consultation(&app).await;
    consultation_with_a_campaign(&app, &c.slug).await;
    let campaign = app.count("SELECT MIN(id) FROM campaigns");
    let page = format!("/campaigns/{campaign}");
    let action = format!("/campaigns/{campaign}/answer");
    let answered = format!(
        "SELECT COUNT(*) FROM idea_responses WHERE idea_id IN \
         (SELECT id FROM ideas WHERE campaign_id = {campaign})"
    );
    let drafter = app.signed_in("drafter@example.go.jp", Role::Drafter).await;
    let (_, body) = drafter.page(&page).await;
    assert!(body.contains(&action), "drafters get the answer form");

    let res = drafter
        .submit(
            &page,
            &action,
            &[
                ("status", "under_review"),
                ("body", " "),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422, "an empty answer is refused");
    assert_eq!(app.count(&answered), 0, "and changes nothing");

    let res = drafter
        .submit(
            &page,
            &action,
            &[
                ("status", "already_in_plan"),
                ("body", "紙の保険証の扱いは計画案の第3章に記載しています。"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        app.count(&answered),
        6,
        "one answer on each of the six copies"
    );
    let copy = app.count(&format!(
        "SELECT MAX(id) FROM ideas WHERE campaign_id = {campaign}"
    ));
    let (_, public) = app.browser().page(&format!("/ideas/{copy}")).await;
    assert!(public.contains("計画案の第3章に記載しています"));

    // Moderators curate campaigns but do not answer them.
    let moderator = app
        .signed_in("moderator2@example.go.jp", Role::Moderator)
        .await;
    let res = moderator
        .submit(
            &page,
            &action,
            &[
                ("status", "adopted"),
                ("body", "採用"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 403);
}
