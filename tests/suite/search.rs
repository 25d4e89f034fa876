//! Search over ideas and comments (Japanese and English, literal input, visibility) and
//! similar ideas while writing, over the API and the search page.

use ideabox::domain::role::Role;
use serde_json::{Value, json};

use crate::support::*;

const ADMIN: &str = "search-admin@example.jp";

/// An admin's token, with the organisation every consultation here belongs to.
async fn admin(app: &TestApp) -> String {
    app.create_user(ADMIN, "Search admin", Role::Admin, true)
        .await;
    let token = app.api().token(ADMIN).await;
    let (status, _, body) = app
        .api()
        .post(
            "/api/v1/organisations",
            &json!({"slug": "digital", "name_ja": "デジタル庁", "name_en": "Digital Agency"}),
            Some(&token),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    token
}

async fn consultation(app: &TestApp, admin: &str, slug: &str, title: &str) {
    let at = |hours: i64| (chrono::Utc::now() + chrono::Duration::hours(hours)).to_rfc3339();
    let (status, _, body) = app
        .api()
        .post(
            "/api/v1/consultations",
            &json!({
                "slug": slug,
                "organisation": "digital",
                "title": title,
                "summary": "計画案の概要",
                "body": "前文。\n\n## 1. デジタルファースト\n\n本文。\n\n## 2. ワンスオンリー\n\n本文。\n",
                "opens_at": at(-1),
                "closes_at": at(24 * 30),
                "status": "open",
            }),
            Some(admin),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

async fn citizen(app: &TestApp, email: &str) -> String {
    app.create_user(email, "Citizen", Role::Citizen, true).await;
    app.api().token(email).await
}

async fn idea(app: &TestApp, token: &str, slug: &str, title: &str, body: &str) -> i64 {
    let (status, _, json) = app
        .api()
        .post(
            &format!("/api/v1/consultations/{slug}/ideas"),
            &json!({"title": title, "body": body}),
            Some(token),
        )
        .await;
    assert_eq!(status, 201, "{json}");
    json["id"].as_i64().expect("idea id")
}

async fn comment(app: &TestApp, token: &str, idea: i64, body: &str) -> i64 {
    let (status, _, json) = app
        .api()
        .post(
            &format!("/api/v1/ideas/{idea}/comments"),
            &json!({"body": body}),
            Some(token),
        )
        .await;
    assert_eq!(status, 201, "{json}");
    json["id"].as_i64().expect("comment id")
}

/// `GET path` with these query pairs (URL-encoded by the client), optionally as someone.
async fn get(
    app: &TestApp,
    path: &str,
    pairs: &[(&str, &str)],
    token: Option<&str>,
) -> (u16, Value) {
    let mut req = app.api().client.get(app.url(path)).query(pairs);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.expect("GET");
    let status = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn search(app: &TestApp, pairs: &[(&str, &str)]) -> Value {
    let (status, body) = get(app, "/api/v1/search", pairs, None).await;
    assert_eq!(status, 200, "{pairs:?}: {body}");
    body
}

async fn page(app: &TestApp, pairs: &[(&str, &str)]) -> (u16, String) {
    let res = app
        .browser()
        .client
        .get(app.url("/search"))
        .query(pairs)
        .send()
        .await
        .expect("GET /search");
    let status = res.status().as_u16();
    (status, res.text().await.expect("body"))
}

fn ids(list: &Value) -> Vec<i64> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect()
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v
}

fn hits(segments: &Value) -> Vec<String> {
    segments
        .as_array()
        .expect("segments")
        .iter()
        .filter(|s| s["hit"] == true)
        .map(|s| s["text"].as_str().expect("text").to_owned())
        .collect()
}

/// A consultation `plan` and a citizen's token.
async fn world(app: &TestApp) -> (String, String) {
    let admin = admin(app).await;
    consultation(app, &admin, "plan", "デジタル・ガバメント実行計画（案）").await;
    let token = citizen(app, "hanako@example.jp").await;
    (admin, token)
}

#[tokio::test]
async fn a_katakana_word_finds_an_idea_that_contains_it_with_the_word_marked() {
    let app = spawn_app().await;
    let (_, token) = world(&app).await;
    let wanted = idea(
        &app,
        &token,
        "plan",
        "行政のデジタル化を進める",
        "窓口に行かずに手続できるようにしてください。",
    )
    .await;
    idea(
        &app,
        &token,
        "plan",
        "公園の遊具を新しくする",
        "子どもが安全に遊べるように。",
    )
    .await;

    let found = search(&app, &[("q", "デジタル")]).await;
    assert_eq!(ids(&found["ideas"]), [wanted], "{found}");
    let item = &found["ideas"]["items"][0];
    assert_eq!(item["type"], "idea");
    assert_eq!(item["title"], "行政のデジタル化を進める");
    assert_eq!(item["url"], format!("/ideas/{wanted}"));
    assert_eq!(item["consultation"], "plan");
    assert_eq!(item["status"], "published");
    assert_eq!(item["withdrawn"], false);
    assert!(item["receipt"].as_str().is_some_and(|r| !r.is_empty()));
    assert_eq!(hits(&item["title_highlight"]), ["デジタル"]);
    assert_eq!(
        item["snippet_text"],
        "窓口に行かずに手続できるようにしてください。"
    );
    assert_eq!(found["ideas"]["total"], 1);
    assert_eq!(found["ideas"]["next_cursor"], Value::Null);
    assert_eq!(found["comments"]["items"], json!([]));

    let (status, html) = page(&app, &[("q", "デジタル")]).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("行政の<mark>デジタル</mark>化を進める"),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"/ideas/{wanted}\"")));
    assert!(!html.contains("公園の遊具"));
    assert_eq!(html.matches("<h1").count(), 1);
    assert!(
        html.contains("role=\"search\"")
            && html.contains("type=\"search\"")
            && html.contains("<label for=\"field-q\"")
    );
}

#[tokio::test]
async fn two_japanese_characters_are_enough() {
    let app = spawn_app().await;
    let (_, token) = world(&app).await;
    let in_title = idea(
        &app,
        &token,
        "plan",
        "行政のデジタル化を進める",
        "オンラインで。",
    )
    .await;
    let in_body = idea(
        &app,
        &token,
        "plan",
        "窓口の改善",
        "行政の窓口で待たされないように。",
    )
    .await;
    idea(&app, &token, "plan", "公園の遊具", "新しくしてほしい。").await;

    let found = search(&app, &[("q", "行政")]).await;
    assert_eq!(
        ids(&found["ideas"]),
        [in_title, in_body],
        "title matches rank first: {found}"
    );
    assert_eq!(hits(&found["ideas"]["items"][1]["snippet"]), ["行政"]);
    let one = search(&app, &[("q", "窓")]).await;
    assert_eq!(ids(&one["ideas"]), [in_body]);
    let (_, html) = page(&app, &[("q", "行政")]).await;
    assert!(html.contains("<mark>行政</mark>のデジタル化"), "{html}");
}

#[tokio::test]
async fn english_ignores_case_and_needs_every_word() {
    let app = spawn_app().await;
    let (_, token) = world(&app).await;
    let digital = idea(
        &app,
        &token,
        "plan",
        "Digital Services For Everyone",
        "Every form should work ONLINE, on a phone too.",
    )
    .await;
    let other = idea(
        &app,
        &token,
        "plan",
        "Better bus timetables",
        "Publish them as open data, digitally.",
    )
    .await;

    assert_eq!(
        ids(&search(&app, &[("q", "digital")]).await["ideas"]),
        [digital, other]
    );
    assert_eq!(
        ids(&search(&app, &[("q", "DIGITAL SERVICES")]).await["ideas"]),
        [digital]
    );
    assert_eq!(
        ids(&search(&app, &[("q", "services online")]).await["ideas"]),
        [digital],
        "words need not be adjacent"
    );
    assert_eq!(
        ids(&search(&app, &[("q", "digital pizza")]).await["ideas"]),
        Vec::<i64>::new()
    );
    let found = search(&app, &[("q", "online")]).await;
    assert_eq!(hits(&found["ideas"]["items"][0]["snippet"]), ["ONLINE"]);
    assert_eq!(found["terms"], json!(["online"]));
}

/// The search index follows an author's edit: found by the new words, no longer by the old
/// (on PostgreSQL the index lives in `idea_texts`, which a trigger keeps in step).
#[tokio::test]
async fn an_edited_idea_is_found_by_its_new_words_only() {
    let app = spawn_app().await;
    let (_, token) = world(&app).await;
    let edited = idea(
        &app,
        &token,
        "plan",
        "Paper forms everywhere",
        "Keep the paper forms at the counter.",
    )
    .await;
    assert_eq!(
        ids(&search(&app, &[("q", "counter")]).await["ideas"]),
        [edited]
    );
    let (status, _, body) = app
        .api()
        .patch(
            &format!("/api/v1/ideas/{edited}"),
            &json!({"title": "Online forms everywhere", "body": "Let every form be filled in online."}),
            Some(&token),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        ids(&search(&app, &[("q", "counter")]).await["ideas"]),
        Vec::<i64>::new(),
        "the old words are gone from the index"
    );
    assert_eq!(
        ids(&search(&app, &[("q", "filled online")]).await["ideas"]),
        [edited]
    );
    let similar_to = similar(&app, "plan", "every form filled in online").await;
    assert_eq!(similar_to[0]["id"], edited, "{similar_to:?}");
}

#[tokio::test]
async fn search_spans_consultations_unless_one_is_chosen() {
    let app = spawn_app().await;
    let (admin, token) = world(&app).await;
    consultation(&app, &admin, "transport", "地域交通計画（案）").await;
    let here = idea(
        &app,
        &token,
        "plan",
        "交通系ICカードで手続",
        "マイナンバーカードと一緒に。",
    )
    .await;
    let there = idea(
        &app,
        &token,
        "transport",
        "バスの交通網を見直す",
        "本数を増やしてほしい。",
    )
    .await;

    let all = search(&app, &[("q", "交通")]).await;
    assert_eq!(ids(&all["ideas"]), [there, here]);
    assert_eq!(all["consultation"], Value::Null);
    let one = search(&app, &[("q", "交通"), ("consultation", "transport")]).await;
    assert_eq!(ids(&one["ideas"]), [there]);
    assert_eq!(one["consultation"], "transport");
    assert_eq!(
        one["ideas"]["items"][0]["consultation_title"],
        "地域交通計画（案）"
    );

    let (status, problem) = get(
        &app,
        "/api/v1/search",
        &[("q", "交通"), ("consultation", "nowhere")],
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(problem["code"], "error-search-consultation-unknown");

    let (status, html) = page(&app, &[("q", "交通"), ("consultation", "transport")]).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("バスの<mark>交通</mark>網") && !html.contains("ICカード"),
        "{html}"
    );
    assert!(
        html.contains("<option value=\"transport\" selected>"),
        "the filter lists consultations: {html}"
    );
    let (status, html) = page(&app, &[("q", "交通"), ("consultation", "nowhere")]).await;
    assert_eq!(status, 400);
    assert!(html.contains("field-consultation-error"));
}

#[tokio::test]
async fn comments_are_found_with_a_link_to_their_idea_and_deleted_ones_are_not() {
    let app = spawn_app().await;
    let (_, token) = world(&app).await;
    let other = citizen(&app, "taro@example.jp").await;
    let on = idea(&app, &token, "plan", "地域交通の見直し", "路線を見直す。").await;
    let kept = comment(
        &app,
        &other,
        on,
        "バスの本数を増やしてほしいです。特に朝の時間帯。",
    )
    .await;
    let gone = comment(&app, &other, on, "バスの停留所も増やしてほしい。").await;
    let (status, _, _) = app
        .api()
        .delete(&format!("/api/v1/comments/{gone}"), Some(&other))
        .await;
    assert_eq!(status, 204);

    let found = search(&app, &[("q", "バスの")]).await;
    assert_eq!(ids(&found["comments"]), [kept], "{found}");
    let item = &found["comments"]["items"][0];
    assert_eq!(item["type"], "comment");
    assert_eq!(item["idea_id"], on);
    assert_eq!(item["idea_title"], "地域交通の見直し");
    assert_eq!(item["url"], format!("/ideas/{on}#comment-{kept}"));
    assert_eq!(hits(&item["snippet"]), ["バスの"]);
    assert_eq!(ids(&found["ideas"]), Vec::<i64>::new());

    let only = search(&app, &[("q", "朝"), ("type", "comments")]).await;
    assert_eq!(ids(&only["comments"]), [kept]);
    assert_eq!(only["ideas"], Value::Null);

    let (_, html) = page(&app, &[("q", "本数")]).await;
    assert!(
        html.contains(&format!("href=\"/ideas/{on}#comment-{kept}\"")),
        "{html}"
    );
    assert!(html.contains("<mark>本数</mark>"));
}

#[tokio::test]
async fn withdrawn_ideas_are_found_and_marked() {
    let app = spawn_app().await;
    let (_, token) = world(&app).await;
    let id = idea(
        &app,
        &token,
        "plan",
        "電子申請の様式を統一する",
        "各省庁で様式が違うので。",
    )
    .await;
    let (status, _, body) = app
        .api()
        .post(
            &format!("/api/v1/ideas/{id}/withdraw"),
            &json!({}),
            Some(&token),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let found = search(&app, &[("q", "電子申請")]).await;
    assert_eq!(ids(&found["ideas"]), [id]);
    assert_eq!(found["ideas"]["items"][0]["status"], "withdrawn");
    assert_eq!(found["ideas"]["items"][0]["withdrawn"], true);
    let (_, html) = page(&app, &[("q", "電子申請")]).await;
    assert!(html.contains("badge-withdrawn"), "{html}");
}

#[tokio::test]
async fn wildcards_quotes_and_operators_match_only_literally() {
    let app = spawn_app().await;
    let (_, token) = world(&app).await;
    let percent = idea(
        &app,
        &token,
        "plan",
        "ポイント還元率を100%にする",
        "満額で。",
    )
    .await;
    let thousand = idea(&app, &token, "plan", "1000円の補助", "一律に。").await;
    let underscore = idea(
        &app,
        &token,
        "plan",
        "変数名 a_b の例",
        "snake_case の説明。",
    )
    .await;
    let axb = idea(&app, &token, "plan", "変数名 axb の例", "区切りなし。").await;
    let symbols = idea(
        &app,
        &token,
        "plan",
        "記号の多い意見",
        r#"He said "quoted" * - AND OR NOT NEAR( it's C:\temp (unbalanced " quote"#,
    )
    .await;

    assert_eq!(
        ids(&search(&app, &[("q", "100%")]).await["ideas"]),
        [percent]
    );
    assert_eq!(ids(&search(&app, &[("q", "%")]).await["ideas"]), [percent]);
    assert_eq!(
        sorted(ids(&search(&app, &[("q", "100")]).await["ideas"])),
        sorted(vec![percent, thousand])
    );
    assert_eq!(
        ids(&search(&app, &[("q", "a_b")]).await["ideas"]),
        [underscore]
    );
    assert_eq!(
        ids(&search(&app, &[("q", "_")]).await["ideas"]),
        [underscore]
    );
    assert!(!ids(&search(&app, &[("q", "a_b")]).await["ideas"]).contains(&axb));
    for q in [
        "\"quoted\"",
        "*",
        "-",
        "AND",
        "OR",
        "NEAR(",
        "'",
        "\\",
        "C:\\temp",
        "(unbalanced",
        "\" quote",
        "it's",
    ] {
        let found = search(&app, &[("q", q)]).await;
        assert!(
            ids(&found["ideas"]).contains(&symbols),
            "{q} should find the idea: {found}"
        );
    }

    // Nothing a person can type causes a server error, on the API or the page.
    let odd = [
        "\"",
        "\"\"",
        "\"unbalanced",
        "((",
        ")",
        "NEAR(a b",
        "a AND",
        "OR",
        "NOT x",
        "-x",
        "x*",
        "^x",
        "col:x",
        "{x}",
        "'; DROP TABLE ideas; --",
        "%_%",
        "\\",
        "\\\\%",
        "+",
        "行政 \"",
        "　",
        "a\u{0}b",
        "\u{7f}",
        "🙂🙂🙂",
        "x".repeat(200).as_str(),
    ]
    .map(str::to_owned);
    for q in &odd {
        let (status, body) = get(&app, "/api/v1/search", &[("q", q)], None).await;
        assert!(status == 200 || status == 400, "{q:?}: {status} {body}");
        let (status, _) = page(&app, &[("q", q)]).await;
        assert!(status == 200 || status == 400, "page {q:?}: {status}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM ideas"),
        5,
        "the table is still there"
    );
}

#[tokio::test]
async fn malformed_requests_are_refused_with_400() {
    let app = spawn_app().await;
    world(&app).await;
    let long = "字".repeat(201);
    let long = long.as_str();
    let cases: [(&[(&str, &str)], &str); 8] = [
        (&[], "error-search-empty"),
        (&[("q", "")], "error-search-empty"),
        (&[("q", "  \u{3000} ")], "error-search-empty"),
        (&[("q", long)], "error-search-too-long"),
        (
            &[("q", "x"), ("type", "people")],
            "error-search-type-invalid",
        ),
        (&[("q", "x"), ("limit", "51")], "error-search-limit-invalid"),
        (&[("q", "x"), ("limit", "0")], "error-search-limit-invalid"),
        (
            &[("q", "x"), ("cursor", "not-a-cursor")],
            "error-search-cursor-invalid",
        ),
    ];
    for (pairs, code) in cases {
        let res = app
            .api()
            .client
            .get(app.url("/api/v1/search"))
            .query(pairs)
            .send()
            .await
            .expect("GET");
        assert_eq!(res.status().as_u16(), 400, "{pairs:?}");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let body: Value = res.json().await.expect("problem");
        assert_eq!(body["code"], code, "{pairs:?}: {body}");
    }
    let (status, _) = get(&app, "/api/v1/search", &[("q", "x"), ("sort", "new")], None).await;
    assert_eq!(status, 400, "unknown keys are refused");
    assert_eq!(
        get(&app, "/api/v1/search", &[("q", &"字".repeat(200))], None)
            .await
            .0,
        200
    );

    // The page: nothing to search for is the empty form; a bad query is the form with its error.
    let (status, html) = page(&app, &[]).await;
    assert_eq!(status, 200);
    assert!(html.contains("role=\"search\"") && !html.contains("<mark>"));
    assert_eq!(page(&app, &[("q", "")]).await.0, 200);
    let (status, html) = page(&app, &[("q", long)]).await;
    assert_eq!(status, 400);
    assert!(
        html.contains("field-q-error") && html.contains("aria-invalid=\"true\""),
        "{html}"
    );
    assert_eq!(page(&app, &[("q", "x"), ("sort", "new")]).await.0, 400);
}

#[tokio::test]
async fn user_text_on_the_page_is_escaped() {
    let app = spawn_app().await;
    let (_, token) = world(&app).await;
    idea(
        &app,
        &token,
        "plan",
        "<script>alert(1)</script> のデジタル化",
        "<img src=x onerror=alert(1)> デジタル",
    )
    .await;
    let (status, html) = page(&app, &[("q", "<script>alert(1)</script> デジタル")]).await;
    assert_eq!(status, 200);
    assert!(!html.contains("<script>alert(1)"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(html.contains("<mark>&lt;script&gt;alert(1)&lt;"), "{html}");
}

#[tokio::test]
async fn ideas_of_draft_consultations_are_found_by_staff_only() {
    let app = spawn_app().await;
    let (admin, token) = world(&app).await;
    consultation(&app, &admin, "secret", "非公開の計画（案）").await;
    let hidden = idea(
        &app,
        &token,
        "secret",
        "下書き段階の意見",
        "デジタル庁への要望。",
    )
    .await;
    let on_hidden = comment(&app, &token, hidden, "下書きへのコメント").await;
    let open = idea(&app, &token, "plan", "公開の意見", "デジタル化の要望。").await;
    app.execute_sql("UPDATE consultations SET status = 'draft' WHERE slug = 'secret'");

    for viewer in [None, Some(token.as_str())] {
        let (_, found) = get(&app, "/api/v1/search", &[("q", "デジタル")], viewer).await;
        assert_eq!(ids(&found["ideas"]), [open], "{viewer:?}");
        let (_, found) = get(&app, "/api/v1/search", &[("q", "下書き")], viewer).await;
        assert_eq!(ids(&found["ideas"]), Vec::<i64>::new());
        assert_eq!(ids(&found["comments"]), Vec::<i64>::new());
        let (status, _) = get(
            &app,
            "/api/v1/search",
            &[("q", "下書き"), ("consultation", "secret")],
            viewer,
        )
        .await;
        assert_eq!(status, 400, "a draft looks like an unknown consultation");
    }
    let (_, found) = get(&app, "/api/v1/search", &[("q", "デジタル")], Some(&admin)).await;
    assert_eq!(sorted(ids(&found["ideas"])), sorted(vec![open, hidden]));
    let (_, found) = get(
        &app,
        "/api/v1/search",
        &[("q", "下書き"), ("consultation", "secret")],
        Some(&admin),
    )
    .await;
    assert_eq!(ids(&found["comments"]), [on_hidden]);
    let (_, html) = page(&app, &[("q", "下書き")]).await;
    assert!(!html.contains("下書き段階の意見") && !html.contains("非公開の計画"));
}

#[tokio::test]
async fn content_hidden_by_moderators_is_never_found() {
    let app = spawn_app().await;
    let (admin, token) = world(&app).await;
    let shown = idea(
        &app,
        &token,
        "plan",
        "行政のデジタル化を進める",
        "公開のまま。",
    )
    .await;
    let hidden = idea(
        &app,
        &token,
        "plan",
        "行政のデジタル化を急ぐ",
        "非表示にされる。",
    )
    .await;
    let pending = idea(
        &app,
        &token,
        "plan",
        "行政のデジタル化を広げる",
        "確認待ち。",
    )
    .await;
    let kept = comment(&app, &token, shown, "デジタル化に賛成です。").await;
    let gone = comment(&app, &token, shown, "デジタル化に反対です。").await;
    app.execute_sql(&format!(
        "UPDATE ideas SET visibility = 'hidden' WHERE id = {hidden}; \
         UPDATE ideas SET visibility = 'pending' WHERE id = {pending}; \
         UPDATE comments SET visibility = 'hidden' WHERE id = {gone}"
    ));
    for viewer in [None, Some(token.as_str()), Some(admin.as_str())] {
        let (_, found) = get(&app, "/api/v1/search", &[("q", "デジタル化")], viewer).await;
        assert_eq!(ids(&found["ideas"]), [shown], "{viewer:?}");
        assert_eq!(ids(&found["comments"]), [kept]);
        assert_eq!(found["ideas"]["total"], 1);
    }
    let (_, html) = page(&app, &[("q", "デジタル化")]).await;
    assert!(
        !html.contains("急ぐ") && !html.contains("広げる") && !html.contains("反対"),
        "{html}"
    );
    let found = similar(&app, "plan", "行政のデジタル化を進めてほしい").await;
    assert_eq!(titles(&found), ["行政のデジタル化を進める"]);
}

#[tokio::test]
async fn results_come_in_pages() {
    let app = spawn_app().await;
    let (_, token) = world(&app).await;
    let mut made = Vec::new();
    for n in 0..5 {
        made.push(
            idea(
                &app,
                &token,
                "plan",
                &format!("意見{n}"),
                &format!("マイナンバーの活用について、その{n}。"),
            )
            .await,
        );
    }
    made.reverse();
    let first = search(&app, &[("q", "マイナンバー"), ("limit", "2")]).await;
    assert_eq!(first["ideas"]["total"], 5);
    let mut seen = ids(&first["ideas"]);
    let mut cursor = first["ideas"]["next_cursor"]
        .as_str()
        .expect("more")
        .to_owned();
    loop {
        let next = search(
            &app,
            &[("q", "マイナンバー"), ("limit", "2"), ("cursor", &cursor)],
        )
        .await;
        assert_eq!(next["comments"], Value::Null, "a cursor pages one kind");
        seen.extend(ids(&next["ideas"]));
        match next["ideas"]["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, made, "equal relevance: newest first, each once");
    let (status, body) = get(
        &app,
        "/api/v1/search",
        &[
            ("q", "マイナンバー"),
            ("type", "comments"),
            ("cursor", &cursor),
        ],
        None,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("error-search-cursor-invalid")),
        "a cursor of another kind"
    );

    let (_, html) = page(&app, &[("q", "マイナンバー")]).await;
    assert!(
        html.contains("（5件）") || html.contains("(5)"),
        "the count is shown"
    );
    let (_, html) = app
        .browser()
        .page("/search?q=%E3%83%9E%E3%82%A4%E3%83%8A%E3%83%B3%E3%83%90%E3%83%BC")
        .await;
    assert!(!html.contains("rel=\"next\""), "twenty fit on one page");
}

#[tokio::test]
async fn a_next_page_link_follows_on_the_page() {
    let app = spawn_app().await;
    let (_, token) = world(&app).await;
    let others = [
        citizen(&app, "jiro@example.jp").await,
        citizen(&app, "saburo@example.jp").await,
    ];
    for n in 0..21 {
        let author = [&token, &others[0], &others[1]][n % 3];
        idea(
            &app,
            author,
            "plan",
            &format!("手続{n}"),
            "オンライン化の要望。",
        )
        .await;
    }
    let browser = app.browser();
    let (_, html) = browser.page("/search?q=%E6%89%8B%E7%B6%9A").await;
    assert_eq!(html.matches("class=\"card result\"").count(), 20);
    let start = html.find("rel=\"next\"").expect("a next link");
    let href_at = html[..start].rfind("href=\"").expect("href") + 6;
    let href = html[href_at..]
        .split('"')
        .next()
        .expect("url")
        .replace("&amp;", "&");
    assert!(
        href.starts_with("/search?q=") && href.contains("type=ideas") && href.contains("cursor="),
        "{href}"
    );
    let (status, html) = browser.page(&href).await;
    assert_eq!(status, 200);
    assert_eq!(html.matches("class=\"card result\"").count(), 1, "{html}");
    assert!(
        html.contains("<mark>手続</mark>0</a>"),
        "the oldest comes last: {html}"
    );
}

// ---------------------------------------------------------------------------------------
// Similar ideas

async fn similar(app: &TestApp, slug: &str, text: &str) -> Vec<Value> {
    let (status, body) = get(
        app,
        &format!("/api/v1/consultations/{slug}/similar"),
        &[("text", text)],
        None,
    )
    .await;
    assert_eq!(status, 200, "{text:?}: {body}");
    let items = body["items"].as_array().expect("items").clone();
    assert!(items.len() <= 5, "{body}");
    let scores: Vec<f64> = items
        .iter()
        .map(|i| i["score"].as_f64().expect("score"))
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
    assert!(scores.iter().all(|s| (0.0..=1.0).contains(s)));
    items
}

fn titles(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["title"].as_str().expect("title").to_owned())
        .collect()
}

#[tokio::test]
async fn similar_ideas_are_found_in_japanese_without_spaces() {
    let app = spawn_app().await;
    let (_, token) = world(&app).await;
    let existing = idea(
        &app,
        &token,
        "plan",
        "行政のデジタル化を進める",
        "窓口に行かずに済むように。",
    )
    .await;
    idea(
        &app,
        &token,
        "plan",
        "公園の遊具を新しくしてほしい",
        "古くて危ないので。",
    )
    .await;
    idea(
        &app,
        &token,
        "plan",
        "子育て支援の窓口を増やしてほしい",
        "待ち時間が長いので。",
    )
    .await;

    let found = similar(&app, "plan", "行政手続のデジタル化を進めてほしい").await;
    assert_eq!(titles(&found), ["行政のデジタル化を進める"], "{found:?}");
    assert_eq!(found[0]["id"], existing);
    assert_eq!(found[0]["url"], format!("/ideas/{existing}"));
    assert!(found[0]["score"].as_f64().unwrap() >= 0.5);
}

#[tokio::test]
async fn similar_ideas_are_found_in_english() {
    let app = spawn_app().await;
    let (_, token) = world(&app).await;
    idea(
        &app,
        &token,
        "plan",
        "Make all government services digital by default",
        "No more paper forms.",
    )
    .await;
    idea(
        &app,
        &token,
        "plan",
        "More bicycle parking near the station",
        "It is always full.",
    )
    .await;
    idea(
        &app,
        &token,
        "plan",
        "Plant more trees in the central park",
        "For shade in summer.",
    )
    .await;

    let found = similar(&app, "plan", "Please make government services digital").await;
    assert_eq!(
        titles(&found),
        ["Make all government services digital by default"]
    );
    let found = similar(
        &app,
        "plan",
        "Digital government SERVICES\n\nI would like to file everything online.",
    )
    .await;
    assert_eq!(
        titles(&found),
        ["Make all government services digital by default"]
    );
}

#[tokio::test]
async fn at_most_five_similar_ideas_best_first_and_never_withdrawn_ones() {
    let app = spawn_app().await;
    let (_, token) = world(&app).await;
    let withdrawn = idea(
        &app,
        &token,
        "plan",
        "行政のデジタル化を進める",
        "取り下げる予定。",
    )
    .await;
    let (status, _, _) = app
        .api()
        .post(
            &format!("/api/v1/ideas/{withdrawn}/withdraw"),
            &json!({}),
            Some(&token),
        )
        .await;
    assert_eq!(status, 200);
    let other = citizen(&app, "jiro@example.jp").await;
    for (n, suffix) in [
        "",
        "の計画",
        "の方針",
        "の施策",
        "の推進",
        "の工程表",
        "の予算",
    ]
    .into_iter()
    .enumerate()
    {
        let author = if n % 2 == 0 { &token } else { &other };
        idea(
            &app,
            author,
            "plan",
            &format!("行政のデジタル化を進める{suffix}"),
            "オンラインで。",
        )
        .await;
    }
    let found = similar(&app, "plan", "行政のデジタル化を進める").await;
    assert_eq!(found.len(), 5);
    assert!(
        found
            .iter()
            .all(|i| i["id"] != withdrawn && i["status"] == "published"),
        "{found:?}"
    );
    assert_eq!(
        found[0]["title"], "行政のデジタル化を進める",
        "the identical title first"
    );
}

#[tokio::test]
async fn similar_ideas_take_any_text() {
    let app = spawn_app().await;
    let (_, token) = world(&app).await;
    idea(
        &app,
        &token,
        "plan",
        "行政のデジタル化を進める",
        "100% オンラインで a_b \"quoted\" NEAR( * -",
    )
    .await;
    let long = "デジタル化".repeat(300);
    for text in [
        "",
        " ",
        "%",
        "_",
        "%%",
        "\"",
        "\"\"\"",
        "*",
        "-",
        "AND",
        "OR NOT",
        "NEAR(",
        "'",
        "\\",
        "()",
        "(((",
        "🙂",
        "a\u{0}b",
        "行政 \" NEAR( * %",
        long.as_str(),
    ] {
        similar(&app, "plan", text).await;
    }
    assert!(similar(&app, "plan", "").await.is_empty());
    assert!(similar(&app, "plan", "%_*\"'").await.is_empty());
    assert_eq!(
        titles(&similar(&app, "plan", &long).await),
        ["行政のデジタル化を進める"]
    );
    let (status, _) = get(
        &app,
        "/api/v1/consultations/nowhere/similar",
        &[("text", "行政")],
        None,
    )
    .await;
    assert_eq!(status, 404);
}
