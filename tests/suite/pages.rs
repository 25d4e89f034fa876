//! The HTML pages of consultations, ideas, votes and comments, driven like a browser without
//! JavaScript: forms post, answer 303, and the next page shows the result.

use ideabox::domain::role::Role;
use serde_json::json;

use crate::support::fixtures::{self, consultation_with, open_consultation};
use crate::support::*;

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Posts an idea through the API (optionally on a section) and returns its id.
async fn idea(
    app: &TestApp,
    token: &str,
    slug: &str,
    title: &str,
    body: &str,
    section: Option<&str>,
) -> i64 {
    let (status, _, json) = app
        .api()
        .post(
            &format!("/api/v1/consultations/{slug}/ideas"),
            &json!({ "title": title, "body": body, "section": section }),
            Some(token),
        )
        .await;
    assert_eq!(status, 201, "{json}");
    json["id"].as_i64().expect("idea id")
}

async fn comment_by_api(app: &TestApp, token: &str, idea: i64, body: &str) -> i64 {
    let (status, _, json) = app
        .api()
        .post(
            &format!("/api/v1/ideas/{idea}/comments"),
            &json!({ "body": body }),
            Some(token),
        )
        .await;
    assert_eq!(status, 201, "{json}");
    json["id"].as_i64().expect("comment id")
}

async fn idea_json(app: &TestApp, id: i64) -> serde_json::Value {
    let (status, _, json) = app.api().get(&format!("/api/v1/ideas/{id}"), None).await;
    assert_eq!(status, 200, "{json}");
    json
}

/// A signed-in browser and an API token for the same verified citizen.
async fn citizen(app: &TestApp, email: &str) -> (Browser, String) {
    let browser = app.signed_in(email, Role::Citizen).await;
    let token = app.api().token(email).await;
    (browser, token)
}

#[tokio::test]
async fn home_lists_consultations_by_phase_and_filters_by_organisation() {
    let app = spawn_app().await;
    let (browser, _) = app_empty_home(&app).await;
    open_consultation(&app).await;
    consultation_with(&app, "old-plan", "closed", -48, -24).await;

    let (status, home) = browser.page("/").await;
    assert_eq!(status, 200);
    assert!(
        home.contains("href=\"/c/plan\""),
        "open consultation links to its page"
    );
    assert!(home.contains("デジタル庁"), "organisation shown");
    assert!(home.contains("badge-open"));
    let closed_at = home.find("id=\"closed-heading\"").expect("closed section");
    assert!(
        home[closed_at..].contains("href=\"/c/old-plan\""),
        "closed ones listed apart"
    );
    assert!(!home[..closed_at].contains("href=\"/c/old-plan\""));
    assert!(home.contains("意見 0件"), "idea count on the card");

    let (status, filtered) = browser.page("/?organisation=digital-agency").await;
    assert_eq!(status, 200);
    assert!(filtered.contains("href=\"/c/plan\""));
    assert!(filtered.contains("value=\"digital-agency\" selected"));
    assert_eq!(
        browser.get("/?organisation=no-such-org").await.status(),
        400
    );
    assert_eq!(
        browser.get("/?sort=new").await.status(),
        400,
        "unknown parameter"
    );
}

/// An empty home page first: its empty states.
async fn app_empty_home(app: &TestApp) -> (Browser, ()) {
    let browser = app.browser();
    let (status, home) = browser.page("/").await;
    assert_eq!(status, 200);
    assert!(
        home.contains("class=\"empty-state\""),
        "empty state when nothing is open"
    );
    (browser, ())
}

#[tokio::test]
async fn the_consultation_page_shows_its_plan_sections_meta_and_share_links() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    let author = fixtures::citizen(&app, "author@example.jp").await;
    idea(
        &app,
        &author,
        "plan",
        "窓口のオンライン化",
        "本文",
        Some("s2"),
    )
    .await;

    let browser = app.browser();
    let (status, page) = browser.page("/c/plan").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("<h2 id=\"s1\">1. デジタルファースト</h2>"),
        "plan rendered with anchors"
    );
    assert!(
        page.contains("href=\"#s2\""),
        "table of contents links to the section"
    );
    assert!(
        page.contains("href=\"/c/plan/ideas?section=s2\""),
        "section's ideas one click away"
    );
    assert!(
        page.contains("この項目への意見（1件）"),
        "section idea count"
    );
    assert!(page.contains("この項目への意見（0件）"));
    assert!(
        page.contains(
            "<meta property=\"og:title\" content=\"デジタル・ガバメント実行計画（案）\">"
        )
    );
    assert!(page.contains("<meta name=\"twitter:card\" content=\"summary\">"));
    let url = app.url("/c/plan");
    assert!(
        page.contains(&format!("<meta property=\"og:url\" content=\"{url}\">")),
        "absolute URL"
    );
    let encoded = url.replace(':', "%3A").replace('/', "%2F");
    assert!(page.contains("https://x.com/intent/post?text="));
    assert!(
        page.contains(&format!("&amp;url={encoded}\"")),
        "X link carries the encoded URL"
    );
    assert!(page.contains(&format!(
        "https://www.facebook.com/sharer/sharer.php?u={encoded}\""
    )));
    assert!(page.contains(&format!(
        "https://social-plugins.line.me/lineit/share?url={encoded}\""
    )));
    assert!(page.contains("<link rel=\"alternate\" type=\"application/atom+xml\""));
    assert!(page.contains("href=\"/c/plan/feed.atom\""));
    assert!(
        page.contains("窓口のオンライン化"),
        "most supported ideas listed"
    );
    assert!(
        page.contains("/login?next=/c/plan/ideas/new"),
        "signed-out readers are told how to take part"
    );
    assert!(!page.contains("<script>"), "no inline script");
}

#[tokio::test]
async fn drafts_are_visible_to_staff_only() {
    let app = spawn_app().await;
    consultation_with(&app, "secret", "draft", -1, 48).await;
    let citizen = app.signed_in("citizen@example.jp", Role::Citizen).await;
    let moderator = app.signed_in("mod@example.jp", Role::Moderator).await;
    for path in ["/c/secret", "/c/secret/ideas", "/c/secret/feed.atom"] {
        assert_eq!(
            app.browser().get(path).await.status(),
            404,
            "{path} anonymous"
        );
        assert_eq!(citizen.get(path).await.status(), 404, "{path} citizen");
    }
    let (status, page) = moderator.page("/c/secret").await;
    assert_eq!(status, 200);
    assert!(page.contains("badge-draft"));
    let (_, home) = citizen.page("/").await;
    assert!(!home.contains("/c/secret"));
}

#[tokio::test]
async fn posting_an_idea_previews_similar_ideas_then_gives_a_receipt() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    let other = fixtures::citizen(&app, "other@example.jp").await;
    let existing = idea(
        &app,
        &other,
        "plan",
        "行政手続きのオンライン化を進める",
        "窓口に行かずに行政手続きができるようにしてほしい。",
        None,
    )
    .await;
    let (browser, _) = citizen(&app, "writer@example.jp").await;

    assert_eq!(
        app.browser().get("/c/plan/ideas/new").await.status(),
        303,
        "anonymous → login"
    );
    let (status, form) = browser.page("/c/plan/ideas/new?section=s2").await;
    assert_eq!(status, 200);
    assert!(
        form.contains("<option value=\"s2\" selected>"),
        "section preselected"
    );
    assert!(form.contains("data-similar-url=\"/api/v1/consultations/plan/similar\""));

    let fields = [
        ("title", "行政手続きのオンライン化"),
        ("body", "すべての**行政手続き**をオンライン化してください。"),
        ("section", "s2"),
    ];
    let mut preview = fields.to_vec();
    preview.push(("action", "preview"));
    let res = browser
        .submit("/c/plan/ideas/new", "/c/plan/ideas/new", &preview)
        .await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("<strong>行政手続き</strong>"),
        "Markdown preview rendered"
    );
    assert!(
        page.contains(&format!("action=\"/ideas/{existing}/vote\"")),
        "support this instead"
    );
    assert!(
        page.contains("行政手続きのオンライン化を進める"),
        "similar idea listed"
    );
    assert!(
        page.contains(">すべての**行政手続き**をオンライン化してください。</textarea>"),
        "draft kept"
    );

    let mut post = fields.to_vec();
    post.push(("action", "post"));
    let res = browser
        .submit("/c/plan/ideas/new", "/c/plan/ideas/new", &post)
        .await;
    assert_eq!(res.status(), 303);
    let target = location(&res);
    assert!(
        target.starts_with("/ideas/") && target.ends_with("?posted=1"),
        "{target}"
    );
    let id: i64 = target["/ideas/".len()..target.len() - "?posted=1".len()]
        .parse()
        .unwrap();
    let receipt = idea_json(&app, id).await["receipt"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(receipt.starts_with("IB-"));
    let (status, page) = browser.page(&target).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("receipt-notice") && page.contains(&receipt),
        "receipt shown to the author"
    );
    assert!(
        page.contains("ご意見ありがとうございます"),
        "flash shown once"
    );
    let (_, stranger_view) = app.browser().page(&target).await;
    assert!(
        !stranger_view.contains("receipt-notice"),
        "only the author sees the receipt notice"
    );
    let mail = app.last_email("writer@example.jp").await;
    assert!(mail.text.contains(&receipt), "receipt by email");

    // Validation errors come back with the input, a summary and accessible field errors.
    let res = browser
        .submit(
            "/c/plan/ideas/new",
            "/c/plan/ideas/new",
            &[("title", " "), ("body", "本文だけ"), ("action", "post")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("class=\"error-summary\"") && page.contains("href=\"#field-title\""));
    assert!(page.contains("aria-invalid=\"true\"") && page.contains("field-title-error"));
    assert!(page.contains(">本文だけ</textarea>"));
}

#[tokio::test]
async fn unverified_people_cannot_open_the_idea_form() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    app.create_user("new@example.jp", "New", Role::Citizen, false)
        .await;
    let browser = app.browser();
    assert_eq!(
        browser.login("new@example.jp", PASSWORD).await.status(),
        303
    );
    assert_eq!(browser.get("/c/plan/ideas/new").await.status(), 403);
    let (_, page) = browser.page("/c/plan").await;
    assert!(
        !page.contains("href=\"/c/plan/ideas/new\""),
        "no post button before verifying"
    );
}

#[tokio::test]
async fn votes_through_the_form_change_the_counts_and_authors_cannot_vote() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    let (author, author_token) = citizen(&app, "author@example.jp").await;
    let id = idea(&app, &author_token, "plan", "案", "本文", None).await;
    let (voter, _) = citizen(&app, "voter@example.jp").await;
    let page_path = format!("/ideas/{id}");
    let vote_path = format!("/ideas/{id}/vote");

    let (_, page) = voter.page(&page_path).await;
    assert!(page.contains("class=\"vote-form\"") && page.contains("aria-pressed=\"false\""));
    let res = voter
        .submit(&page_path, &vote_path, &[("value", "support")])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/ideas/{id}#vote"));
    assert_eq!(idea_json(&app, id).await["support_count"], 1);
    let (_, page) = voter.page(&page_path).await;
    assert!(page.contains("賛成 1"));
    assert!(page.contains("value=\"clear\" class=\"vote-button vote-support\" data-vote=\"support\" aria-pressed=\"true\""));

    let res = voter
        .submit(&page_path, &vote_path, &[("value", "oppose")])
        .await;
    assert_eq!(res.status(), 303);
    let json = idea_json(&app, id).await;
    assert_eq!(
        (
            json["support_count"].as_i64(),
            json["oppose_count"].as_i64()
        ),
        (Some(0), Some(1))
    );
    voter
        .submit(&page_path, &vote_path, &[("value", "clear")])
        .await;
    assert_eq!(idea_json(&app, id).await["oppose_count"], 0);
    assert_eq!(
        voter
            .submit(&page_path, &vote_path, &[("value", "love")])
            .await
            .status(),
        400
    );

    let (_, own) = author.page(&page_path).await;
    assert!(
        !own.contains("class=\"vote-form\""),
        "no vote buttons on one's own idea"
    );
    assert!(
        own.contains("ご自身の意見には投票できません"),
        "the page says why beforehand"
    );
    let res = author
        .submit(&page_path, &vote_path, &[("value", "support")])
        .await;
    assert_eq!(res.status(), 403);
    let refusal = res.text().await.unwrap();
    assert!(refusal.contains("<p class=\"error-code\">403</p>"));
    assert!(
        !refusal.contains("error-vote-own-idea"),
        "explained in words"
    );
    assert_eq!(idea_json(&app, id).await["support_count"], 0);

    let res = app
        .browser()
        .submit(&page_path, &vote_path, &[("value", "support")])
        .await;
    assert_eq!(res.status(), 401, "anonymous votes need a login");
}

#[tokio::test]
async fn comments_and_replies_through_the_forms() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    let author = fixtures::citizen(&app, "author@example.jp").await;
    let id = idea(&app, &author, "plan", "案", "本文", None).await;
    let (browser, _) = citizen(&app, "commenter@example.jp").await;
    let page_path = format!("/ideas/{id}");
    let action = format!("/ideas/{id}/comments");

    let res = browser
        .submit(&page_path, &action, &[("body", "**良い**案です")])
        .await;
    assert_eq!(res.status(), 303);
    let target = location(&res);
    let comment: i64 = target.rsplit("#comment-").next().unwrap().parse().unwrap();
    assert_eq!(target, format!("/ideas/{id}#comment-{comment}"));

    let res = browser
        .submit(
            &page_path,
            &action,
            &[("body", "返信です"), ("parent_id", &comment.to_string())],
        )
        .await;
    assert_eq!(res.status(), 303);
    let reply: i64 = location(&res)
        .rsplit("#comment-")
        .next()
        .unwrap()
        .parse()
        .unwrap();

    let (_, page) = browser.page(&page_path).await;
    assert!(
        page.contains(&format!("id=\"comment-{comment}\""))
            && page.contains("<strong>良い</strong>")
    );
    let replies_at = page.find("class=\"replies\"").expect("replies nested");
    assert!(page[replies_at..].contains(&format!("id=\"comment-{reply}\"")));
    assert!(
        page.contains(&format!("id=\"reply-{comment}\"")),
        "reply form under the top-level comment"
    );
    assert!(
        !page.contains(&format!("id=\"reply-{reply}\"")),
        "no reply form under a reply"
    );
    assert!(page.contains("コメント（2件）"));

    // One level of replies only.
    let res = browser
        .submit(
            &page_path,
            &action,
            &[("body", "返信への返信"), ("parent_id", &reply.to_string())],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("class=\"error-summary\""));
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM comments WHERE idea_id = {id}"
        )),
        2
    );

    // An empty comment is shown again with the error next to the field.
    let res = browser
        .submit(&page_path, &action, &[("body", "   ")])
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("href=\"#field-comment-body\"")
            && page.contains("id=\"field-comment-body-error\"")
    );

    // The author of a comment edits and deletes it; others see no such buttons.
    let res = browser
        .submit(
            &page_path,
            &format!("/comments/{comment}/edit"),
            &[("body", "直しました"), ("idea_id", &id.to_string())],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, page) = browser.page(&page_path).await;
    assert!(page.contains("直しました") && page.contains("class=\"badge\">編集済み"));
    let (_, other) = app.browser().page(&page_path).await;
    assert!(!other.contains(&format!("/comments/{comment}/delete")));
    let res = browser
        .submit(
            &page_path,
            &format!("/comments/{comment}/delete"),
            &[("idea_id", &id.to_string())],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/ideas/{id}#comment-{comment}"));
    let (_, page) = browser.page(&page_path).await;
    assert!(
        page.contains("このコメントは削除されました。"),
        "a placeholder keeps the thread's shape"
    );
    assert!(!page.contains("直しました") && page.contains("返信です"));
    assert!(
        !page.contains(&format!("id=\"reply-{comment}\"")),
        "no replies to a deleted comment"
    );
}

#[tokio::test]
async fn long_threads_get_a_more_comments_link() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    let author = fixtures::citizen(&app, "author@example.jp").await;
    let id = idea(&app, &author, "plan", "案", "本文", None).await;
    let talkers = [
        fixtures::citizen(&app, "a@example.jp").await,
        fixtures::citizen(&app, "b@example.jp").await,
        fixtures::citizen(&app, "c@example.jp").await,
    ];
    let mut last = 0;
    for n in 0..51 {
        last = comment_by_api(&app, &talkers[n % 3], id, &format!("コメント番号{n:02}")).await;
    }
    let (_, page) = app.browser().page(&format!("/ideas/{id}")).await;
    assert!(page.contains("コメント番号49") && !page.contains("コメント番号50"));
    let at = page.find("comments_cursor=").expect("more comments link");
    let href = page[..at].rfind("href=\"").unwrap() + "href=\"".len();
    let link = page[href..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    let (status, next) = app.browser().page(&link).await;
    assert_eq!(status, 200, "{link}");
    assert!(next.contains("コメント番号50") && next.contains(&format!("id=\"comment-{last}\"")));
    assert!(!next.contains("コメント番号49"));

    // A new comment in a long thread leads to the page that holds it.
    let (browser, _) = citizen(&app, "late@example.jp").await;
    let res = browser
        .submit(
            &format!("/ideas/{id}"),
            &format!("/ideas/{id}/comments"),
            &[("body", "遅れて参加")],
        )
        .await;
    let target = location(&res);
    assert!(target.contains("comments_cursor="), "{target}");
    let (_, page) = browser.page(&target).await;
    assert!(page.contains("遅れて参加"));
}

#[tokio::test]
async fn authors_edit_within_the_window_and_not_after() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    let (browser, token) = citizen(&app, "author@example.jp").await;
    let id = idea(&app, &token, "plan", "最初の題", "最初の本文", None).await;
    let edit = format!("/ideas/{id}/edit");

    let (status, form) = browser.page(&edit).await;
    assert_eq!(status, 200);
    assert!(form.contains("value=\"最初の題\"") && form.contains(">最初の本文</textarea>"));
    let res = browser
        .submit(
            &edit,
            &edit,
            &[
                ("title", "直した題"),
                ("body", "直した本文"),
                ("section", "s1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, page) = browser.page(&format!("/ideas/{id}")).await;
    assert!(page.contains("直した題") && page.contains("class=\"badge\">編集済み"));
    assert!(
        page.contains("class=\"revisions\"") && page.contains("最初の本文"),
        "history is public"
    );
    assert!(page.contains("href=\"/c/plan#s1\""), "section link");

    let res = browser
        .submit(&edit, &edit, &[("title", ""), ("body", "x")])
        .await;
    assert_eq!(res.status(), 422);

    let stranger = app.signed_in("stranger@example.jp", Role::Citizen).await;
    assert_eq!(stranger.get(&edit).await.status(), 403);

    app.execute_sql(&format!(
        "UPDATE ideas SET created_at = '{}' WHERE id = {id}",
        hours_ago(1)
    ));
    assert_eq!(browser.get(&edit).await.status(), 403);
    let res = browser
        .submit(
            &format!("/ideas/{id}"),
            &edit,
            &[("title", "遅すぎ"), ("body", "遅すぎ")],
        )
        .await;
    assert_eq!(res.status(), 403);
    let (_, page) = browser.page(&format!("/ideas/{id}")).await;
    assert!(
        !page.contains(&format!("href=\"{edit}\"")),
        "no edit link after the window"
    );
    assert!(!page.contains("遅すぎ"));
}

#[tokio::test]
async fn withdrawing_marks_the_idea_and_stops_votes() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    let (author, token) = citizen(&app, "author@example.jp").await;
    let id = idea(&app, &token, "plan", "取り下げる案", "本文", None).await;
    let confirm = format!("/ideas/{id}/withdraw");

    let (status, page) = author.page(&confirm).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("action=\"{confirm}\"")));
    let (voter, _) = citizen(&app, "voter@example.jp").await;
    assert_eq!(voter.get(&confirm).await.status(), 403);
    assert_eq!(
        voter
            .submit(&format!("/ideas/{id}"), &confirm, &[])
            .await
            .status(),
        403
    );

    let res = author.submit(&confirm, &confirm, &[]).await;
    assert_eq!(res.status(), 303);
    let (_, page) = voter.page(&format!("/ideas/{id}")).await;
    assert!(page.contains("withdrawn-banner") && page.contains("badge-withdrawn"));
    assert!(!page.contains("class=\"vote-form\""));
    let (_, list) = voter.page("/c/plan/ideas").await;
    assert!(list.contains("idea-item idea-withdrawn"));
}

#[tokio::test]
async fn closed_consultations_are_read_only_and_say_so() {
    let app = spawn_app().await;
    let plan = open_consultation(&app).await;
    let author = fixtures::citizen(&app, "author@example.jp").await;
    let id = idea(&app, &author, "plan", "案", "本文", None).await;
    let comment = comment_by_api(&app, &author, id, "コメント").await;
    let (status, body) = fixtures::patch(
        &app,
        &plan.admin,
        "/api/v1/consultations/plan",
        &json!({ "status": "closed" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (browser, _) = citizen(&app, "late@example.jp").await;
    let page_path = format!("/ideas/{id}");

    let (_, page) = browser.page(&page_path).await;
    assert!(page.contains("notice-closed"));
    assert!(
        !page.contains("class=\"vote-form\"") && !page.contains("comment-form"),
        "no forms"
    );
    let (_, c) = browser.page("/c/plan").await;
    assert!(c.contains("notice-closed") && !c.contains("href=\"/c/plan/ideas/new\""));

    let parent = comment.to_string();
    let attempts: [(String, Vec<(&str, &str)>); 3] = [
        (format!("/ideas/{id}/vote"), vec![("value", "support")]),
        (
            format!("/ideas/{id}/comments"),
            vec![("body", "遅いコメント")],
        ),
        (
            format!("/ideas/{id}/comments"),
            vec![("body", "遅い返信"), ("parent_id", parent.as_str())],
        ),
    ];
    for (action, fields) in attempts {
        let res = browser.submit(&page_path, &action, &fields).await;
        assert_eq!(res.status(), 403, "{action}");
        let body = res.text().await.unwrap();
        assert!(
            body.contains("<p class=\"error-code\">403</p>"),
            "an error page"
        );
        assert!(
            !body.contains("error-consultation-closed"),
            "the refusal is explained in words, not a message key"
        );
    }
    let res = browser
        .submit(
            "/c/plan",
            "/c/plan/ideas/new",
            &[("title", "t"), ("body", "b"), ("action", "post")],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(browser.get("/c/plan/ideas/new").await.status(), 403);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM comments WHERE idea_id = {id}"
        )),
        1
    );
}

#[tokio::test]
async fn the_list_sorts_filters_and_pages() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    let author = fixtures::citizen(&app, "author@example.jp").await;
    let quiet = idea(&app, &author, "plan", "静かな案", "本文", Some("s1")).await;
    let popular = idea(&app, &author, "plan", "人気の案", "本文", Some("s2")).await;
    let newest = idea(
        &app,
        &author,
        "plan",
        "最新の案",
        "デジタル窓口の本文",
        None,
    )
    .await;
    for email in ["v1@example.jp", "v2@example.jp"] {
        let voter = fixtures::citizen(&app, email).await;
        assert_eq!(
            fixtures::put_vote(&app, &voter, popular, "support").await.0,
            200
        );
    }
    let browser = app.browser();

    let (status, page) = browser.page("/c/plan/ideas").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("<a href=\"/c/plan/ideas\" aria-current=\"true\">"),
        "newest is the default"
    );
    let first = |page: &str| {
        page.find("class=\"idea-item").map(|at| {
            page[at..]
                .split("/ideas/")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        })
    };
    assert_eq!(first(&page), Some(newest.to_string()));
    assert!(page.contains("賛成 0") && page.contains("Citizen author"));

    let (_, top) = browser.page("/c/plan/ideas?sort=top").await;
    assert!(top.contains("<a href=\"/c/plan/ideas?sort=top\" aria-current=\"true\">"));
    assert_eq!(first(&top), Some(popular.to_string()));

    let (_, s1) = browser.page("/c/plan/ideas?section=s1").await;
    assert!(s1.contains("静かな案") && !s1.contains("人気の案"));
    assert!(s1.contains("<option value=\"s1\" selected>"));
    assert!(
        s1.contains("href=\"/c/plan/ideas?sort=top&amp;section=s1\""),
        "sort links keep filters"
    );

    let (_, found) = browser
        .page("/c/plan/ideas?q=%E3%83%87%E3%82%B8%E3%82%BF%E3%83%AB%E7%AA%93%E5%8F%A3")
        .await;
    assert!(
        found.contains("最新の案") && !found.contains("静かな案"),
        "text filter"
    );

    let (_, paged) = browser.page("/c/plan/ideas?limit=2").await;
    assert!(paged.contains("rel=\"next\""), "next page link");
    let start = paged.find("cursor=").expect("cursor in the next link");
    let at = paged[..start].rfind("href=\"").unwrap() + "href=\"".len();
    let next = paged[at..].split('"').next().unwrap().replace("&amp;", "&");
    assert!(
        next.contains("limit=2") && next.contains("cursor="),
        "{next}"
    );
    let (status, second) = browser.page(&next).await;
    assert_eq!(status, 200);
    assert!(second.contains(&format!("href=\"/ideas/{quiet}\"")));
    assert!(!second.contains(&format!("href=\"/ideas/{newest}\"")));

    for bad in [
        "?sort=best",
        "?status=bogus",
        "?cursor=%21%21",
        "?limit=0",
        "?colour=red",
        "?section=s99",
    ] {
        assert_eq!(
            browser.get(&format!("/c/plan/ideas{bad}")).await.status(),
            400,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn the_atom_feed_is_well_formed_and_escaped() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    let author = fixtures::citizen(&app, "author@example.jp").await;
    idea(
        &app,
        &author,
        "plan",
        "<b>Tom & Jerry</b>",
        "ふつうの本文 <i>x</i> & y",
        None,
    )
    .await;
    idea(&app, &author, "plan", "二つ目", "本文", None).await;

    let res = app.browser().get("/c/plan/feed.atom").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let xml = res.text().await.unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
    assert!(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    assert!(xml.trim_end().ends_with("</feed>"));
    assert_eq!(xml.matches("<entry>").count(), 2);
    assert_eq!(xml.matches("</entry>").count(), 2);
    assert!(xml.contains("<title>&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;</title>"));
    assert!(!xml.contains("<b>") && !xml.contains("Tom & Jerry"));
    assert!(xml.contains(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        app.url("/c/plan/feed.atom")
    )));
    assert!(
        xml.contains(&format!("<id>{}", app.url("/ideas/"))),
        "absolute entry ids"
    );
    // Every date is RFC 3339 in UTC.
    for part in xml.split("<updated>").skip(1) {
        let date = part.split('<').next().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(date).is_ok() && date.ends_with('Z'),
            "{date}"
        );
    }
    // Well-formed enough for any reader: every tag that opens closes, in order.
    let mut stack: Vec<String> = Vec::new();
    for piece in xml.split('<').skip(2) {
        let tag = piece.split('>').next().unwrap();
        if tag.ends_with('/') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "unbalanced at {name}");
        } else {
            stack.push(tag.split_whitespace().next().unwrap().to_owned());
        }
    }
    assert!(stack.is_empty(), "{stack:?}");
    assert_eq!(
        app.browser().get("/c/nothing/feed.atom").await.status(),
        404
    );
}

#[tokio::test]
async fn hostile_markdown_stays_inert_on_the_idea_page() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    let author = fixtures::citizen(&app, "author@example.jp").await;
    let id = idea(
        &app,
        &author,
        "plan",
        "<script>alert('title')</script>",
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1))\n\n<a href=\"javascript:alert(2)\">a</a>",
        None,
    )
    .await;
    comment_by_api(
        &app,
        &author,
        id,
        "<script>alert(3)</script><svg onload=alert(4)>",
    )
    .await;
    let (status, page) = app.browser().page(&format!("/ideas/{id}")).await;
    assert_eq!(status, 200);
    let lower = page.to_lowercase();
    assert!(!lower.contains("<script>alert"), "no script element");
    assert!(
        !lower.contains("onerror=") && !lower.contains("onload="),
        "no event handlers"
    );
    assert!(
        !lower.contains("href=\"javascript:"),
        "no javascript: links"
    );
    assert!(!lower.contains("<svg") && !lower.contains("<img"));
    assert!(
        page.contains("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;")
            || page.contains("&lt;script&gt;alert('title')&lt;/script&gt;")
    );
    let (_, list) = app.browser().page("/c/plan/ideas").await;
    assert!(!list.to_lowercase().contains("<script>alert"));
}

#[tokio::test]
async fn admins_manage_organisations_and_consultations_through_forms() {
    let app = spawn_app().await;
    let citizen = app.signed_in("citizen@example.jp", Role::Citizen).await;
    for path in [
        "/admin/consultations",
        "/admin/consultations/new",
        "/admin/organisations",
    ] {
        assert_eq!(citizen.get(path).await.status(), 403, "{path}");
    }
    let res = citizen
        .submit(
            "/",
            "/admin/organisations",
            &[("slug", "x"), ("name_ja", "x"), ("name_en", "x")],
        )
        .await;
    assert_eq!(res.status(), 403);

    let admin = app.signed_in("admin@example.jp", Role::Admin).await;
    let (_, home) = admin.page("/").await;
    assert!(
        home.contains("href=\"/admin/consultations\""),
        "admin nav entry"
    );
    let res = admin
        .submit(
            "/admin/organisations",
            "/admin/organisations",
            &[
                ("slug", "Bad Slug"),
                ("name_ja", "庁"),
                ("name_en", "Agency"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("href=\"#field-slug\""));
    let res = admin
        .submit(
            "/admin/organisations",
            "/admin/organisations",
            &[
                ("slug", "cao"),
                ("name_ja", "内閣府"),
                ("name_en", "Cabinet Office"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, orgs) = admin.page("/admin/organisations").await;
    assert!(orgs.contains("内閣府") && orgs.contains("Cabinet Office"));

    let fields = [
        ("slug", "energy-plan"),
        ("organisation", "cao"),
        ("title", "エネルギー基本計画（案）"),
        ("summary", "概要です"),
        ("body", "前文\n\n## 第1章\n\n本文\n\n## 第2章\n\n本文\n"),
        ("opens_at", "2026-01-01T09:00"),
        ("closes_at", "2099-12-31T18:30"),
        ("status", "open"),
    ];
    let mut missing = fields.to_vec();
    missing[2] = ("title", "");
    let res = admin
        .submit(
            "/admin/consultations/new",
            "/admin/consultations/new",
            &missing,
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text().await.unwrap().contains("value=\"energy-plan\""),
        "input kept"
    );
    let res = admin
        .submit(
            "/admin/consultations/new",
            "/admin/consultations/new",
            &fields,
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, list) = admin.page("/admin/consultations").await;
    assert!(
        list.contains("エネルギー基本計画（案）")
            && list.contains("/admin/consultations/energy-plan/edit")
    );
    let (status, page) = app.browser().page("/c/energy-plan").await;
    assert_eq!(status, 200);
    assert!(page.contains("<h2 id=\"s2\">第2章</h2>") && page.contains("badge-open"));

    // The edit form shows the stored times in the site's zone (Asia/Tokyo by default).
    let edit = "/admin/consultations/energy-plan/edit";
    let (status, form) = admin.page(edit).await;
    assert_eq!(status, 200);
    assert!(
        form.contains("value=\"2026-01-01T09:00\"") && form.contains("value=\"2099-12-31T18:30\""),
        "round trip"
    );
    let mut closing = fields.to_vec();
    closing.retain(|(k, _)| *k != "slug");
    closing.retain(|(k, _)| *k != "status");
    closing.push(("status", "closed"));
    let res = admin.submit(edit, edit, &closing).await;
    assert_eq!(res.status(), 303);
    let (_, page) = app.browser().page("/c/energy-plan").await;
    assert!(page.contains("badge-closed") && page.contains("notice-closed"));
    let (_, home) = app.browser().page("/").await;
    let closed_at = home.find("id=\"closed-heading\"").unwrap();
    assert!(home[closed_at..].contains("/c/energy-plan"));
    assert_eq!(citizen.submit("/", edit, &closing).await.status(), 403);
}

async fn moderate(app: &TestApp, token: &str, path: &str, action: &str, reason: &str) {
    let (status, _, body) = app
        .api()
        .post(
            path,
            &json!({ "action": action, "reason": reason }),
            Some(token),
        )
        .await;
    assert_eq!(status, 200, "{action} {path}: {body}");
}

#[tokio::test]
async fn moderated_ideas_and_comments_say_so_on_the_page() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    let author = fixtures::citizen(&app, "author@example.jp").await;
    let id = idea(
        &app,
        &author,
        "plan",
        "モデレーション対象の案",
        "本文です",
        None,
    )
    .await;
    let comment = comment_by_api(&app, &author, id, "消されるコメント").await;
    app.create_user("mod@example.jp", "Mod", Role::Moderator, true)
        .await;
    let moderator = app.api().token("mod@example.jp").await;
    let (reader, _) = citizen(&app, "reader@example.jp").await;
    let page_path = format!("/ideas/{id}");

    moderate(
        &app,
        &moderator,
        &format!("/api/v1/ideas/{id}/moderation"),
        "pin",
        "other",
    )
    .await;
    moderate(
        &app,
        &moderator,
        &format!("/api/v1/ideas/{id}/moderation"),
        "lock",
        "resolved",
    )
    .await;
    let (_, page) = reader.page(&page_path).await;
    assert!(page.contains("badge-pinned") && page.contains("この意見はロックされています"));
    assert!(
        !page.contains("class=\"vote-form\"") && !page.contains("id=\"comment-form\""),
        "locked: no forms"
    );
    let (_, list) = reader.page("/c/plan/ideas").await;
    assert!(list.contains("badge-pinned"));

    moderate(
        &app,
        &moderator,
        &format!("/api/v1/comments/{comment}/moderation"),
        "hide",
        "abusive",
    )
    .await;
    let (_, page) = reader.page(&page_path).await;
    assert!(
        page.contains("このコメントはモデレーターにより非表示にされました。")
            && page.contains("不適切な表現")
    );
    assert!(!page.contains("消されるコメント"));
    moderate(
        &app,
        &moderator,
        &format!("/api/v1/ideas/{id}/moderation"),
        "hide",
        "spam",
    )
    .await;
    let (status, page) = app.browser().page(&page_path).await;
    assert_eq!(status, 200, "a tombstone remains");
    assert!(
        page.contains("非表示の意見") && page.contains("スパム"),
        "reason shown in words"
    );
    assert!(
        !page.contains("モデレーション対象の案") && !page.contains("本文です"),
        "text withheld"
    );
    assert!(!page.contains("消されるコメント"));
}

#[tokio::test]
async fn the_list_filters_by_tag_when_the_consultation_has_tags() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    let author = fixtures::citizen(&app, "author@example.jp").await;
    let tagged = idea(&app, &author, "plan", "タグ付きの案", "本文", None).await;
    idea(&app, &author, "plan", "タグなしの案", "本文", None).await;
    let (_, list) = app.browser().page("/c/plan/ideas").await;
    assert!(
        !list.contains("id=\"filter-tag\""),
        "no tag filter without tags"
    );

    app.create_user("mod@example.jp", "Mod", Role::Moderator, true)
        .await;
    let moderator = app.api().token("mod@example.jp").await;
    let (status, _, body) = app
        .api()
        .post(
            "/api/v1/consultations/plan/tags",
            &json!({ "slug": "privacy", "name_ja": "プライバシー", "name_en": "Privacy" }),
            Some(&moderator),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let res = app
        .api()
        .client
        .put(app.url(&format!("/api/v1/ideas/{tagged}/tags")))
        .bearer_auth(&moderator)
        .json(&json!({ "tags": ["privacy"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let (_, list) = app.browser().page("/c/plan/ideas").await;
    assert!(list.contains("id=\"filter-tag\"") && list.contains("<option value=\"privacy\">"));
    assert!(
        list.contains("href=\"/c/plan/ideas?tag=privacy\""),
        "tags on items link to the filter"
    );
    let (status, filtered) = app.browser().page("/c/plan/ideas?tag=privacy").await;
    assert_eq!(status, 200);
    assert!(filtered.contains("<option value=\"privacy\" selected>"));
    assert!(filtered.contains("タグ付きの案") && !filtered.contains("タグなしの案"));
    assert_eq!(
        app.browser().get("/c/plan/ideas?tag=nope").await.status(),
        400
    );
}
