//! The drafting committee: official responses (one by one and by group, publication and its
//! emails), the disposition table, the report, exports and open data — and that no export
//! carries personal data.

use std::io::Cursor;

use ideabox::domain::role::Role;
use serde_json::{Value, json};

use crate::support::fixtures::*;
use crate::support::*;

struct Setup {
    app: TestApp,
    slug: String,
    admin: String,
    drafter: String,
    author: String,
    supporter: String,
    ideas: Vec<i64>,
}

async fn setup() -> Setup {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    app.create_user("drafter@example.jp", "Drafter", Role::Drafter, true)
        .await;
    let drafter = app.api().token("drafter@example.jp").await;
    let author = citizen(&app, "author@example.jp").await;
    let supporter = citizen(&app, "fan@example.jp").await;
    let mut ideas = Vec::new();
    for (title, section) in [
        ("行政のデジタル化を進める", "s1"),
        ("=HYPERLINK(\"http://evil\")", "s2"),
        ("データ連携のルール", "s2"),
    ] {
        let (status, _, idea) = app
            .api()
            .post(
                &format!("/api/v1/consultations/{}/ideas", c.slug),
                &json!({"title": title, "body": format!("{title}の本文 +cmd -x @y"), "section": section}),
                Some(&author),
            )
            .await;
        assert_eq!(status, 201, "{idea}");
        ideas.push(idea["id"].as_i64().unwrap());
    }
    put_vote(&app, &supporter, ideas[0], "support").await;
    put_vote(&app, &supporter, ideas[2], "oppose").await;
    Setup {
        app,
        slug: c.slug,
        admin: c.admin,
        drafter,
        author,
        supporter,
        ideas,
    }
}

async fn put(app: &TestApp, path: &str, body: Value, token: &str) -> (u16, Value) {
    let res = app
        .api()
        .client
        .put(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn get_bytes(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut req = app.api().client.get(app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn drafters_answer_an_idea_publish_it_and_the_author_and_supporters_are_told() {
    let s = setup().await;
    let path = format!("/api/v1/ideas/{}/response", s.ideas[0]);
    let (status, draft) = put(
        &s.app,
        &path,
        json!({"status": "adopted", "body": "計画の **1.** に反映しました。", "section": "s1"}),
        &s.drafter,
    )
    .await;
    assert_eq!(status, 200, "{draft}");
    assert!(draft["published_at"].is_null());
    let (_, _, public) = s
        .app
        .api()
        .get(&format!("/api/v1/ideas/{}", s.ideas[0]), None)
        .await;
    assert!(public["response"].is_null(), "drafts are not public");
    assert!(public.get("response_draft").is_none());
    let (_, _, for_drafter) = s
        .app
        .api()
        .get(&format!("/api/v1/ideas/{}", s.ideas[0]), Some(&s.drafter))
        .await;
    assert_eq!(for_drafter["response_draft"]["status"], "adopted");

    // Editing the draft keeps one draft.
    put(
        &s.app,
        &path,
        json!({"status": "partly_adopted", "body": "一部を反映しました。", "section": "s1"}),
        &s.drafter,
    )
    .await;
    assert_eq!(s.app.count("SELECT COUNT(*) FROM responses"), 1);

    let (status, body) = s
        .app
        .api()
        .post(
            &format!("/api/v1/consultations/{}/responses/publish", s.slug),
            &json!({}),
            Some(&s.drafter),
        )
        .await
        .into_status_body();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["published"], 1);
    let (_, _, public) = s
        .app
        .api()
        .get(&format!("/api/v1/ideas/{}", s.ideas[0]), None)
        .await;
    assert_eq!(public["response"]["status"], "partly_adopted");
    assert_eq!(public["response"]["section"], "s1");
    assert!(
        public["response"]["body_html"]
            .as_str()
            .unwrap()
            .contains("一部")
    );
    assert_eq!(public["response_status"], "partly_adopted");
    let (_, _, filtered) = s
        .app
        .api()
        .get(
            &format!(
                "/api/v1/consultations/{}/ideas?status=partly_adopted",
                s.slug
            ),
            None,
        )
        .await;
    assert_eq!(filtered["items"].as_array().unwrap().len(), 1);

    // The author also got a receipt, in the background: look for the publication notice.
    s.app
        .email_containing("author@example.jp", "一部反映")
        .await;
    let to_supporter = s.app.email_containing("fan@example.jp", "一部反映").await;
    assert!(
        to_supporter
            .text
            .contains(&public["receipt"].as_str().unwrap().to_owned())
    );

    // Publishing nothing more is a no-op; a later answer replaces the published one when published.
    put(
        &s.app,
        &path,
        json!({"status": "adopted", "body": "全面的に反映しました。", "publish": true}),
        &s.drafter,
    )
    .await;
    let (_, _, public) = s
        .app
        .api()
        .get(&format!("/api/v1/ideas/{}", s.ideas[0]), None)
        .await;
    assert_eq!(public["response"]["status"], "adopted");
    drop(s.supporter);
}

trait IntoStatusBody {
    fn into_status_body(self) -> (u16, Value);
}

impl IntoStatusBody for (u16, reqwest::header::HeaderMap, Value) {
    fn into_status_body(self) -> (u16, Value) {
        (self.0, self.2)
    }
}

#[tokio::test]
async fn a_group_answer_shows_on_every_idea_of_the_tag_or_section() {
    let s = setup().await;
    let (status, body) = s
        .app
        .api()
        .post(
            &format!("/api/v1/consultations/{}/responses", s.slug),
            &json!({"group_section": "s2", "status": "under_review", "body": "検討しています。", "publish": true}),
            Some(&s.drafter),
        )
        .await
        .into_status_body();
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["idea_count"], 2);
    for id in [s.ideas[1], s.ideas[2]] {
        let (_, _, idea) = s.app.api().get(&format!("/api/v1/ideas/{id}"), None).await;
        assert_eq!(idea["response"]["status"], "under_review");
    }
    let (_, _, first) = s
        .app
        .api()
        .get(&format!("/api/v1/ideas/{}", s.ideas[0]), None)
        .await;
    assert!(first["response"].is_null());

    // By tag.
    s.app
        .api()
        .post(
            &format!("/api/v1/consultations/{}/tags", s.slug),
            &json!({"slug": "dx", "name_ja": "DX", "name_en": "DX"}),
            Some(&s.admin),
        )
        .await;
    s.app
        .api()
        .post(
            &format!("/api/v1/consultations/{}/tags/dx/ideas", s.slug),
            &json!({"add": [s.ideas[0]]}),
            Some(&s.admin),
        )
        .await;
    let (status, _) = s
        .app
        .api()
        .post(
            &format!("/api/v1/consultations/{}/responses", s.slug),
            &json!({"tag": "dx", "status": "adopted", "body": "反映します。", "publish": true}),
            Some(&s.drafter),
        )
        .await
        .into_status_body();
    assert_eq!(status, 201);
    let (_, _, first) = s
        .app
        .api()
        .get(&format!("/api/v1/ideas/{}", s.ideas[0]), None)
        .await;
    assert_eq!(first["response"]["status"], "adopted");

    let bad = [
        json!({"tag": "dx", "group_section": "s1", "status": "adopted", "body": "x"}),
        json!({"ideas": [], "status": "adopted", "body": "x"}),
        json!({"tag": "nope", "status": "adopted", "body": "x"}),
        json!({"tag": "dx", "status": "loved", "body": "x"}),
        json!({"tag": "dx", "status": "adopted", "body": ""}),
    ];
    for body in bad {
        let (status, _) = s
            .app
            .api()
            .post(
                &format!("/api/v1/consultations/{}/responses", s.slug),
                &body,
                Some(&s.drafter),
            )
            .await
            .into_status_body();
        assert_eq!(status, 422, "{body}");
    }
}

#[tokio::test]
async fn citizens_and_moderators_cannot_answer_or_export() {
    let s = setup().await;
    s.app
        .create_user("mod@example.jp", "M", Role::Moderator, true)
        .await;
    let moderator = s.app.api().token("mod@example.jp").await;
    for token in [&s.author, &moderator] {
        let (status, _) = put(
            &s.app,
            &format!("/api/v1/ideas/{}/response", s.ideas[0]),
            json!({"status": "adopted", "body": "x"}),
            token,
        )
        .await;
        assert_eq!(status, 403);
        assert_eq!(
            get_bytes(
                &s.app,
                &format!("/api/v1/consultations/{}/export", s.slug),
                Some(token)
            )
            .await
            .0,
            403
        );
        let (status, _) = put(
            &s.app,
            &format!("/api/v1/consultations/{}/disposition", s.slug),
            json!({"rows": []}),
            token,
        )
        .await;
        assert_eq!(status, 403);
    }
    assert_eq!(
        get_bytes(
            &s.app,
            &format!("/api/v1/consultations/{}/export", s.slug),
            None
        )
        .await
        .0,
        401
    );
    assert_eq!(s.app.count("SELECT COUNT(*) FROM responses"), 0);
    assert_eq!(
        get_bytes(
            &s.app,
            &format!("/api/v1/consultations/{}/export", s.slug),
            Some(&s.admin)
        )
        .await
        .0,
        200
    );
}

#[tokio::test]
async fn the_disposition_table_cites_its_ideas_and_shows_what_is_not_covered() {
    let s = setup().await;
    let path = format!("/api/v1/consultations/{}/disposition", s.slug);
    let rows = json!({"rows": [
        {"section": "s1", "summary": "デジタル化の推進を求める意見", "view": "計画に反映します。", "idea_ids": [s.ideas[0]]},
        {"section": "s2", "summary": "データ連携に関する意見", "view": "ルールを公開します。", "idea_ids": [s.ideas[2]]},
    ]});
    let (status, table) = put(&s.app, &path, rows.clone(), &s.drafter).await;
    assert_eq!(status, 200, "{table}");
    assert_eq!(
        table["rows"][0]["receipts"][0],
        s.app
            .api()
            .get(&format!("/api/v1/ideas/{}", s.ideas[0]), None)
            .await
            .2["receipt"]
    );
    assert_eq!(table["rows"][0]["supporter_count"], 1);
    let uncovered: Vec<i64> = table["uncovered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u[0].as_i64().unwrap())
        .collect();
    assert_eq!(
        uncovered,
        vec![s.ideas[1]],
        "the drafters see which ideas no row answers yet"
    );
    assert_eq!(
        s.app.api().get(&path, None).await.0,
        404,
        "not public until published"
    );

    let mut published = rows.clone();
    published["published"] = json!(true);
    put(&s.app, &path, published, &s.drafter).await;
    let (status, _, public) = s.app.api().get(&path, None).await;
    assert_eq!(status, 200);
    assert_eq!(public["rows"].as_array().unwrap().len(), 2);
    assert!(
        public["uncovered"].as_array().unwrap().is_empty(),
        "the public does not see the drafters' to-do list"
    );

    let (status, problem) = put(
        &s.app,
        &path,
        json!({"rows": [{"summary": "", "view": "x", "idea_ids": []}]}),
        &s.drafter,
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let (status, _) = put(
        &s.app,
        &path,
        json!({"rows": [{"summary": "x", "view": "x", "idea_ids": [999999]}]}),
        &s.drafter,
    )
    .await;
    assert_eq!(status, 422);
    let (_, _, still) = s.app.api().get(&path, None).await;
    assert_eq!(
        still["rows"].as_array().unwrap().len(),
        2,
        "a refused save changes nothing"
    );
}

#[tokio::test]
async fn the_report_counts_what_an_independent_count_finds() {
    let s = setup().await;
    let other = citizen(&s.app, "other@example.jp").await;
    s.app
        .api()
        .post(
            &format!("/api/v1/ideas/{}/comments", s.ideas[0]),
            &json!({"body": "賛成"}),
            Some(&other),
        )
        .await;
    let path = format!("/api/v1/consultations/{}/report", s.slug);
    assert_eq!(
        s.app.api().get(&path, None).await.0,
        401,
        "not public while open"
    );
    assert_eq!(s.app.api().get(&path, Some(&s.author)).await.0, 403);
    let (status, _, report) = s.app.api().get(&path, Some(&s.drafter)).await;
    assert_eq!(status, 200, "{report}");
    let totals = &report["totals"];
    assert_eq!(
        totals["ideas"],
        s.app
            .count("SELECT COUNT(*) FROM ideas WHERE visibility = 'visible'")
    );
    assert_eq!(
        totals["comments"],
        s.app.count(
            "SELECT COUNT(*) FROM comments WHERE visibility = 'visible' AND deleted_at IS NULL"
        )
    );
    assert_eq!(
        totals["supports"],
        s.app.count("SELECT COUNT(*) FROM votes WHERE value = 1")
    );
    assert_eq!(
        totals["opposes"],
        s.app.count("SELECT COUNT(*) FROM votes WHERE value = -1")
    );
    assert_eq!(totals["participants"], 3, "author, supporter and commenter");
    let daily = report["daily"].as_array().unwrap();
    assert_eq!(
        daily
            .iter()
            .map(|d| d["ideas"].as_i64().unwrap())
            .sum::<i64>(),
        3
    );
    assert_eq!(
        daily
            .iter()
            .map(|d| d["votes"].as_i64().unwrap())
            .sum::<i64>(),
        2
    );
    let s2 = report["by_section"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "s2")
        .unwrap();
    assert_eq!(s2["count"], 2);
    assert_eq!(report["most_supported"][0]["id"], s.ideas[0]);
    let none = report["response_statuses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "none")
        .unwrap();
    assert_eq!(none["count"], 3);

    patch(
        &s.app,
        &s.admin,
        &format!("/api/v1/consultations/{}", s.slug),
        &json!({"status": "closed"}),
    )
    .await;
    assert_eq!(
        s.app.api().get(&path, None).await.0,
        200,
        "public after the close"
    );
}

fn forbidden_in_exports() -> Vec<&'static str> {
    vec![
        "author@example.jp",
        "fan@example.jp",
        "Citizen author",
        "Citizen fan",
        "127.0.0.1",
        "ibx_",
        "argon2",
        "reqwest",
    ]
}

#[tokio::test]
async fn csv_export_opens_in_excel_neutralises_formulas_and_carries_no_personal_data() {
    let s = setup().await;
    put(
        &s.app,
        &format!("/api/v1/ideas/{}/response", s.ideas[0]),
        json!({"status": "adopted", "body": "反映", "publish": true}),
        &s.drafter,
    )
    .await;
    let (status, headers, bytes) = get_bytes(
        &s.app,
        &format!("/api/v1/consultations/{}/export?format=csv", s.slug),
        Some(&s.drafter),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"ideabox-{}-export.csv\"", s.slug)
    );
    assert_eq!(headers["cache-control"], "no-store");
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 byte-order mark"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.contains("\r\n"), "RFC 4180 line ends");
    for secret in forbidden_in_exports() {
        assert!(!text.contains(secret), "{secret} leaked");
    }
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header[0], "受付番号", "Japanese headers by default");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let formula = rows.iter().find(|r| r[4].contains("HYPERLINK")).unwrap();
    assert!(formula[4].starts_with("'="), "{:?}", &formula[4]);
    let authors: std::collections::HashSet<&str> =
        rows.iter().map(|r| r.get(14).unwrap()).collect();
    assert_eq!(
        authors.len(),
        1,
        "one author, one pseudonym within the file"
    );
    let pseudonym = authors.into_iter().next().unwrap().to_owned();
    assert!(pseudonym.starts_with("P-"));
    assert!(
        rows.iter().all(|r| r[1].len() == 10),
        "dates only, no times"
    );
    assert_eq!(
        rows.iter()
            .find(|r| r[9] == *"adopted")
            .map(|r| r[10].to_owned()),
        Some("反映".to_owned())
    );

    // A second export does not reuse the pseudonym: files cannot be joined.
    let (_, _, again) = get_bytes(
        &s.app,
        &format!("/api/v1/consultations/{}/export?format=csv", s.slug),
        Some(&s.drafter),
    )
    .await;
    assert!(!String::from_utf8_lossy(&again).contains(&pseudonym));

    // Filters.
    let (_, _, section) = get_bytes(
        &s.app,
        &format!("/api/v1/consultations/{}/export?section=s2", s.slug),
        Some(&s.drafter),
    )
    .await;
    assert_eq!(csv::Reader::from_reader(&section[3..]).records().count(), 2);
    let (_, _, status_filtered) = get_bytes(
        &s.app,
        &format!("/api/v1/consultations/{}/export?status=adopted", s.slug),
        Some(&s.drafter),
    )
    .await;
    assert_eq!(
        csv::Reader::from_reader(&status_filtered[3..])
            .records()
            .count(),
        1
    );
    let today = chrono::Utc::now().format("%Y-%m-%d");
    let (_, _, dated) = get_bytes(
        &s.app,
        &format!(
            "/api/v1/consultations/{}/export?from=2020-01-01&to=2020-12-31",
            s.slug
        ),
        Some(&s.drafter),
    )
    .await;
    assert_eq!(csv::Reader::from_reader(&dated[3..]).records().count(), 0);
    let (_, _, around) = get_bytes(
        &s.app,
        &format!(
            "/api/v1/consultations/{}/export?from=2020-01-01&to=2099-12-31",
            s.slug
        ),
        Some(&s.drafter),
    )
    .await;
    assert_eq!(
        csv::Reader::from_reader(&around[3..]).records().count(),
        3,
        "{today}"
    );
    for bad in [
        "format=pdf",
        "section=s99",
        "tag=nope",
        "status=happy",
        "from=yesterday",
        "from=2026-12-02&to=2026-12-01",
        "include_hidden=maybe",
        "colour=red",
    ] {
        let (status, _, _) = get_bytes(
            &s.app,
            &format!("/api/v1/consultations/{}/export?{bad}", s.slug),
            Some(&s.drafter),
        )
        .await;
        assert_eq!(status, 400, "{bad}");
    }
}

#[tokio::test]
async fn hidden_content_stays_out_unless_staff_ask_for_it() {
    let s = setup().await;
    s.app
        .create_user("mod@example.jp", "M", Role::Moderator, true)
        .await;
    let moderator = s.app.api().token("mod@example.jp").await;
    s.app
        .api()
        .post(
            &format!("/api/v1/ideas/{}/moderation", s.ideas[2]),
            &json!({"action": "hide", "reason": "spam"}),
            Some(&moderator),
        )
        .await;
    let (_, _, plain) = get_bytes(
        &s.app,
        &format!("/api/v1/consultations/{}/export", s.slug),
        Some(&s.drafter),
    )
    .await;
    assert!(!String::from_utf8_lossy(&plain).contains("データ連携のルール"));
    let (_, _, with_hidden) = get_bytes(
        &s.app,
        &format!(
            "/api/v1/consultations/{}/export?include_hidden=true",
            s.slug
        ),
        Some(&s.drafter),
    )
    .await;
    let text = String::from_utf8_lossy(&with_hidden);
    assert!(text.contains("データ連携のルール") && text.contains("hidden"));
}

#[tokio::test]
async fn xlsx_export_has_every_sheet_with_typed_columns() {
    use calamine::{Data, Reader, Xlsx};
    let s = setup().await;
    s.app
        .api()
        .post(
            &format!("/api/v1/ideas/{}/comments", s.ideas[0]),
            &json!({"body": "コメントです"}),
            Some(&s.supporter),
        )
        .await;
    put(
        &s.app,
        &format!("/api/v1/consultations/{}/disposition", s.slug),
        json!({"rows": [{"summary": "概要", "view": "考え方", "idea_ids": [s.ideas[0]]}], "published": true}),
        &s.drafter,
    )
    .await;
    let (status, headers, bytes) = get_bytes(
        &s.app,
        &format!("/api/v1/consultations/{}/export?format=xlsx", s.slug),
        Some(&s.drafter),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["概要", "アイデア", "コメント", "タグ", "意見の概要と考え方"]
    );
    let ideas = book.worksheet_range("アイデア").unwrap();
    assert_eq!(ideas.height(), 4, "header and three ideas");
    assert!(
        matches!(ideas.get((1, 11)), Some(Data::Float(_))),
        "supports are numbers: {:?}",
        ideas.get((1, 11))
    );
    assert!(
        matches!(ideas.get((1, 1)), Some(Data::DateTime(_))),
        "dates are dates: {:?}",
        ideas.get((1, 1))
    );
    let comments = book.worksheet_range("コメント").unwrap();
    assert_eq!(comments.height(), 2);
    let disposition = book.worksheet_range("意見の概要と考え方").unwrap();
    assert_eq!(disposition.get((1, 1)), Some(&Data::String("概要".into())));
    let all_text: String = book
        .sheet_names()
        .iter()
        .flat_map(|name| {
            book.worksheet_range(name)
                .unwrap()
                .rows()
                .flat_map(|r| r.iter().map(|c| c.to_string()))
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>()
        .join("\n");
    for secret in forbidden_in_exports() {
        assert!(!all_text.contains(secret), "{secret} leaked");
    }
}

#[tokio::test]
async fn json_export_is_documented_shape_and_anonymous() {
    let s = setup().await;
    s.app
        .api()
        .post(
            &format!("/api/v1/ideas/{}/comments", s.ideas[0]),
            &json!({"body": "コメント"}),
            Some(&s.supporter),
        )
        .await;
    let (status, headers, bytes) = get_bytes(
        &s.app,
        &format!("/api/v1/consultations/{}/export?format=json", s.slug),
        Some(&s.drafter),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let doc: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(doc["schema"], "ideabox-export/1");
    assert_eq!(doc["consultation"]["slug"], s.slug);
    assert_eq!(doc["ideas"].as_array().unwrap().len(), 3);
    assert_eq!(doc["comments"].as_array().unwrap().len(), 1);
    assert_eq!(doc["comments"][0]["idea"], doc["ideas"][0]["receipt"]);
    assert_ne!(
        doc["comments"][0]["author"], doc["ideas"][0]["author"],
        "different people, different pseudonyms"
    );
    let text = String::from_utf8(bytes).unwrap();
    for secret in forbidden_in_exports() {
        assert!(!text.contains(secret), "{secret} leaked");
    }
}

#[tokio::test]
async fn open_data_is_public_after_the_close_only() {
    let s = setup().await;
    let path = format!("/api/v1/consultations/{}/open-data", s.slug);
    assert_eq!(get_bytes(&s.app, &path, None).await.0, 403);
    patch(
        &s.app,
        &s.admin,
        &format!("/api/v1/consultations/{}", s.slug),
        &json!({"status": "closed"}),
    )
    .await;
    let (status, headers, bytes) = get_bytes(&s.app, &path, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"ideabox-{}-open-data.csv\"", s.slug)
    );
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("行政のデジタル化を進める"));
    for secret in forbidden_in_exports() {
        assert!(!text.contains(secret), "{secret} leaked");
    }
    let (status, _, json_bytes) = get_bytes(&s.app, &format!("{path}?format=json"), None).await;
    assert_eq!(status, 200);
    let doc: Value = serde_json::from_slice(&json_bytes).unwrap();
    assert_eq!(doc["ideas"].as_array().unwrap().len(), 3);
    assert_eq!(
        get_bytes(&s.app, &format!("{path}?format=xlsx"), None)
            .await
            .0,
        400
    );
    assert_eq!(
        get_bytes(&s.app, &format!("{path}?include_hidden=true"), None)
            .await
            .0,
        400
    );
}
