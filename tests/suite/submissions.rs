//! Submissions from every channel: recorded by staff over the API and imported from CSV
//! (UTF-8 and Shift_JIS), `.eml` and mbox files as background jobs; bad files refused with
//! their lines; the same file twice adding nothing; private submitter details nowhere public.

use std::time::Duration;

use ideabox::domain::role::Role;
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::fixtures::{citizen, open_consultation};

/// A staff member's API token.
async fn staff(app: &TestApp, email: &str, role: Role) -> String {
    app.create_user(email, "Staff member", role, true).await;
    app.api().token(email).await
}

/// Uploads a file to the import endpoint; returns (status, headers' Location, body).
pub async fn upload(
    app: &TestApp,
    token: &str,
    slug: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (u16, Option<String>, Value) {
    let res = app
        .api()
        .client
        .post(app.url(&format!("/api/v1/consultations/{slug}/submissions/import")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("upload");
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, location, res.json().await.unwrap_or(Value::Null))
}

/// Follows a job until it is done or failed.
pub async fn finished_job(app: &TestApp, token: &str, id: i64) -> Value {
    for _ in 0..600 {
        let (status, _, job) = app
            .api()
            .get(&format!("/api/v1/jobs/{id}"), Some(token))
            .await;
        assert_eq!(status, 200, "{job}");
        if job["status"] == "done" || job["status"] == "failed" {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job {id} did not finish");
}

async fn import_ok(
    app: &TestApp,
    token: &str,
    slug: &str,
    content_type: &str,
    body: Vec<u8>,
) -> Value {
    let (status, location, accepted) = upload(app, token, slug, content_type, body).await;
    assert_eq!(status, 202, "{accepted}");
    let id = accepted["job"]["id"].as_i64().expect("job id");
    assert_eq!(
        location.as_deref(),
        Some(format!("/api/v1/jobs/{id}").as_str())
    );
    let job = finished_job(app, token, id).await;
    assert_eq!(job["status"], "done", "{job}");
    job
}

fn receipts(job: &Value) -> Vec<(i64, String)> {
    job["result"]["receipts"]
        .as_array()
        .expect("receipts")
        .iter()
        .map(|r| {
            (
                r["line"].as_i64().unwrap(),
                r["receipt"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn staff_record_a_letter_that_shows_by_its_channel_and_never_by_its_sender() {
    let app = crate::support::spawn_app().await;
    let c = open_consultation(&app).await;
    let moderator = staff(&app, "moderator@example.go.jp", Role::Moderator).await;
    let (status, _, recorded) = app
        .api()
        .post(
            &format!("/api/v1/consultations/{}/submissions", c.slug),
            &json!({
                "channel": "post",
                "body": "紙の申請書を廃止してください。",
                "received_at": "2026-11-30",
                "submitter_name": "郵便 花子",
                "submitter_email": "hanako@example.jp",
                "organisation": "市民の会",
            }),
            Some(&moderator),
        )
        .await;
    assert_eq!(status, 201, "{recorded}");
    let id = recorded["id"].as_i64().unwrap();
    assert!(recorded["receipt"].as_str().unwrap().starts_with("IB-"));
    let (status, _, idea) = app.api().get(&format!("/api/v1/ideas/{id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(idea["channel"], "post");
    assert_eq!(idea["author"]["display_name"], Value::Null);
    assert_eq!(idea["title"], "紙の申請書を廃止してください。");
    assert!(
        idea["received_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-29T15:00:00")
    );
    let page = app.browser().page(&format!("/ideas/{id}")).await.1;
    assert!(page.contains("郵送による意見"));
    for secret in ["郵便 花子", "hanako@example.jp", "市民の会"] {
        assert!(
            !idea.to_string().contains(secret),
            "{secret} in the API answer"
        );
        assert!(!page.contains(secret), "{secret} on the public page");
    }
    // A citizen may not record submissions.
    let someone = citizen(&app, "citizen@example.jp").await;
    let (status, _, _) = app
        .api()
        .post(
            &format!("/api/v1/consultations/{}/submissions", c.slug),
            &json!({ "body": "x" }),
            Some(&someone),
        )
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_csv_in_utf8_is_imported_with_a_receipt_per_line_and_importing_it_again_adds_nothing() {
    let app = crate::support::spawn_app().await;
    let c = open_consultation(&app).await;
    let drafter = staff(&app, "drafter@example.go.jp", Role::Drafter).await;
    let csv = "\u{feff}channel,received_at,submitter_name,submitter_email,title,body,section\n\
post,2026-11-30,山田太郎,taro@example.jp,,\"窓口での手続を\nオンラインにしてください。\",\n\
fax,,,,件名あり,FAXで送ります。,\n";
    let job = import_ok(&app, &drafter, &c.slug, "text/csv", csv.as_bytes().to_vec()).await;
    assert_eq!(job["result"]["imported"], 2);
    let lines: Vec<i64> = receipts(&job).iter().map(|(l, _)| *l).collect();
    assert_eq!(
        lines,
        [2, 4],
        "line 2 is the first data row; the first spans two lines"
    );
    assert_eq!(job["progress"]["done"], 2);
    let before = app.count("SELECT COUNT(*) FROM ideas");
    let (status, _, again) =
        upload(&app, &drafter, &c.slug, "text/csv", csv.as_bytes().to_vec()).await;
    assert_eq!(status, 202);
    assert_eq!(again["repeated"], true);
    assert_eq!(again["job"]["id"], job["id"]);
    assert_eq!(app.count("SELECT COUNT(*) FROM ideas"), before);
}

#[tokio::test]
async fn a_csv_in_shift_jis_as_excel_writes_it_is_read() {
    let app = crate::support::spawn_app().await;
    let c = open_consultation(&app).await;
    let admin = c.admin.clone();
    let text = "body,title\r\nマイナンバーカードの手続を簡単にしてください。,手続\r\n";
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
    let job = import_ok(&app, &admin, &c.slug, "text/csv", sjis.into_owned()).await;
    let (_, receipt) = receipts(&job).remove(0);
    let id = app.count(&format!("SELECT id FROM ideas WHERE receipt = '{receipt}'"));
    let (_, _, idea) = app.api().get(&format!("/api/v1/ideas/{id}"), None).await;
    assert_eq!(idea["title"], "手続");
    assert!(
        idea["excerpt"]
            .as_str()
            .unwrap()
            .starts_with("マイナンバーカード")
    );
}

#[tokio::test]
async fn a_file_with_bad_rows_imports_nothing_and_names_every_bad_row() {
    let app = crate::support::spawn_app().await;
    let c = open_consultation(&app).await;
    let admin = c.admin.clone();
    let csv = "channel,received_at,body,section\n\
post,2026-11-30,良い行です。,\n\
pigeon,2026-11-30,経路が違います。,\n\
post,昨日,日付が違います。,\n\
post,,,\n\
post,,項目が違います。,99\n";
    let before = app.count("SELECT COUNT(*) FROM ideas");
    let (status, _, accepted) =
        upload(&app, &admin, &c.slug, "text/csv", csv.as_bytes().to_vec()).await;
    assert_eq!(status, 202);
    let job = finished_job(&app, &admin, accepted["job"]["id"].as_i64().unwrap()).await;
    assert_eq!(job["status"], "failed", "{job}");
    let errors: Vec<(i64, String, String)> = job["result"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_i64().unwrap(),
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (3, "channel".to_owned(), "error-channel-invalid".to_owned()),
            (
                4,
                "received_at".to_owned(),
                "error-received-at-invalid".to_owned()
            ),
            (5, "body".to_owned(), "error-body-required".to_owned()),
            (6, "section".to_owned(), "error-section-unknown".to_owned()),
        ]
    );
    assert!(job["result"]["errors"][0]["detail"].as_str().unwrap().len() > 3);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM ideas"),
        before,
        "nothing imported"
    );
}

#[tokio::test]
async fn a_wrong_header_broken_encoding_and_a_too_large_file_are_refused() {
    let app = crate::support::spawn_app_with(crate::support::TestOptions {
        pairs: vec![("IDEABOX_IMPORT_MAX_MB", "1".to_owned())],
        ..Default::default()
    })
    .await;
    let c = open_consultation(&app).await;
    let admin = c.admin.clone();
    let (_, _, accepted) = upload(
        &app,
        &admin,
        &c.slug,
        "text/csv",
        b"text,colour\nx,y\n".to_vec(),
    )
    .await;
    let job = finished_job(&app, &admin, accepted["job"]["id"].as_i64().unwrap()).await;
    assert_eq!(job["status"], "failed");
    assert_eq!(job["result"]["errors"][0]["line"], 1);
    // Neither UTF-8 nor Shift_JIS: a lead byte without its trail byte on line 3.
    let broken = b"body\nfine\nbad \x82\n".to_vec();
    let (_, _, accepted) = upload(&app, &admin, &c.slug, "text/csv", broken).await;
    let job = finished_job(&app, &admin, accepted["job"]["id"].as_i64().unwrap()).await;
    assert_eq!(job["status"], "failed");
    assert_eq!(job["result"]["errors"][0]["code"], "error-import-encoding");
    assert_eq!(job["result"]["errors"][0]["line"], 3);
    let chunks_before = app.count("SELECT COUNT(*) FROM import_chunks");
    let files_before = app.count("SELECT COUNT(*) FROM import_files");
    let big = vec![b'a'; 1024 * 1024 + 10];
    let (status, _, _) = upload(&app, &admin, &c.slug, "text/csv", big).await;
    assert_eq!(status, 413);
    assert_eq!(
        (
            app.count("SELECT COUNT(*) FROM import_chunks"),
            app.count("SELECT COUNT(*) FROM import_files")
        ),
        (chunks_before, files_before),
        "nothing of it kept"
    );
    let (status, _, _) = upload(&app, &admin, &c.slug, "application/pdf", b"%PDF".to_vec()).await;
    assert_eq!(status, 415);
}

#[tokio::test]
async fn an_mbox_in_iso_2022_jp_is_imported_with_senders_kept_private() {
    let app = crate::support::spawn_app().await;
    let c = open_consultation(&app).await;
    let admin = c.admin.clone();
    let mbox = "From taro@example.jp Mon Nov 30 10:00:00 2026\n\
From: =?ISO-2022-JP?B?GyRCOzNFRBsoQiAbJEJCQE86GyhC?= <taro@example.jp>\n\
Subject: =?ISO-2022-JP?B?GyRCMFU4K0RzPVAbKEI=?=\n\
Date: Mon, 30 Nov 2026 10:00:00 +0900\n\
Content-Type: text/plain; charset=ISO-2022-JP\n\
Content-Transfer-Encoding: 7bit\n\n\
\x1b$B;f$N?=@A$r$J$/$7$F$/$@$5$$!#\x1b(B\n\n\
From hanako@example.jp Mon Nov 30 11:00:00 2026\n\
From: hanako@example.jp\n\
Subject: second\n\n\
Please publish the data.\n";
    let job = import_ok(
        &app,
        &admin,
        &c.slug,
        "application/mbox",
        mbox.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(job["result"]["imported"], 2);
    let (_, receipt) = receipts(&job).remove(0);
    let id = app.count(&format!("SELECT id FROM ideas WHERE receipt = '{receipt}'"));
    let (_, _, idea) = app.api().get(&format!("/api/v1/ideas/{id}"), None).await;
    assert_eq!(idea["channel"], "email");
    assert_eq!(idea["title"], "意見提出");
    assert!(
        idea["excerpt"]
            .as_str()
            .unwrap()
            .contains("紙の申請をなくしてください"),
        "{idea}"
    );
    assert!(!idea.to_string().contains("taro@example.jp"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM idea_submitters WHERE email = 'taro@example.jp'"),
        1,
        "kept for staff"
    );
}

#[tokio::test]
async fn copies_of_a_letter_form_a_campaign_with_the_counts_and_the_rule() {
    let app = crate::support::spawn_app().await;
    let c = open_consultation(&app).await;
    let admin = c.admin.clone();
    let letter = "デジタル庁の計画案について意見を申し上げます。マイナンバーカードと健康保険証の一体化は、\
高齢者や障害のある方に配慮し、紙の保険証も当面は使えるようにしてください。";
    let mut csv = String::from("body\n");
    for n in 0..6 {
        let copy = match n {
            0 => letter.to_owned(),
            1 => format!("私は二児の母です。{letter}"),
            2 => format!("{letter}よろしくお願いします。"),
            3 => letter.replace("、", ","),
            _ => letter.to_owned(),
        };
        csv.push_str(&format!("\"{copy}\"\n"));
    }
    csv.push_str("反対です。\n反対です。\n行政手続のオンライン化を急いでください。窓口に行かずに済むようにしてほしい。\n");
    let job = import_ok(&app, &admin, &c.slug, "text/csv", csv.into_bytes()).await;
    assert_eq!(job["result"]["imported"], 9);
    // The import queues a regrouping; run one now rather than wait for it.
    let (status, _, regroup) = app
        .api()
        .post(
            &format!("/api/v1/consultations/{}/campaigns/regroup", c.slug),
            &json!({}),
            Some(&admin),
        )
        .await;
    assert_eq!(status, 202);
    let done = finished_job(&app, &admin, regroup["job"]["id"].as_i64().unwrap()).await;
    assert_eq!(done["status"], "done", "{done}");
    let (status, _, ledger) = app
        .api()
        .get(
            &format!("/api/v1/consultations/{}/campaigns", c.slug),
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{ledger}");
    assert_eq!(ledger["submissions"], 9);
    assert_eq!(ledger["campaign_count"], 1);
    assert_eq!(ledger["in_campaigns"], 6);
    assert_eq!(
        ledger["distinct_texts"], 5,
        "3 texts of the letter (a change of punctuation is the same text), 反対です, one more"
    );
    assert_eq!(ledger["items"][0]["size"], 6);
    assert!(ledger["counting_rule"].as_str().unwrap().contains('9'));
    let (_, receipt) = receipts(&job).remove(1);
    let id = app.count(&format!("SELECT id FROM ideas WHERE receipt = '{receipt}'"));
    let (_, _, idea) = app.api().get(&format!("/api/v1/ideas/{id}"), None).await;
    assert_eq!(idea["campaign"]["size"], 6, "{idea}");
    let (_, receipt) = receipts(&job).remove(6);
    let id = app.count(&format!("SELECT id FROM ideas WHERE receipt = '{receipt}'"));
    let (_, _, short) = app.api().get(&format!("/api/v1/ideas/{id}"), None).await;
    assert_eq!(
        short["campaign"],
        Value::Null,
        "short identical texts are no campaign"
    );
    // Citizens do not see the ledger.
    let someone = citizen(&app, "citizen@example.jp").await;
    let (status, _, _) = app
        .api()
        .get(
            &format!("/api/v1/consultations/{}/campaigns", c.slug),
            Some(&someone),
        )
        .await;
    assert_eq!(status, 403);
}
