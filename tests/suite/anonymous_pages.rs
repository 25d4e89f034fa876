//! Pages shared by readers: rendered once, yet each reader has their own CSRF token; fresh
//! after every write. Signed-in citizens share only the pages that show nothing of their own,
//! and only with citizens of their group; staff and suspended people get their own pages.

use ideabox::domain::role::Role;

use crate::support::fixtures::*;
use crate::support::*;

const CSRF_COOKIE: &str = "ideabox_csrf";

struct Setup {
    app: TestApp,
    slug: String,
    idea: i64,
}

async fn setup() -> Setup {
    let app = spawn_app().await;
    let consultation = open_consultation(&app).await;
    let author = citizen(&app, "author@example.jp").await;
    let idea = post_idea(
        &app,
        &author,
        &consultation.slug,
        "駅のバリアフリー情報を一か所に",
        "エレベーターの位置を調べるのに毎回苦労します。",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    Setup {
        app,
        slug: consultation.slug,
        idea,
    }
}

fn support_count_text(page: &str) -> String {
    let start = page
        .find("idea-counts")
        .or_else(|| page.find("vote-count"))
        .unwrap_or(0);
    page[start..].chars().take(400).collect()
}

#[tokio::test]
async fn anonymous_readers_share_a_page_yet_each_gets_their_own_token() {
    let s = setup().await;
    let path = format!("/ideas/{}", s.idea);
    let (alice, bob) = (s.app.browser(), s.app.browser());

    let (status, alice_page) = alice.page(&path).await;
    assert_eq!(status, 200);
    let alice_token = extract_csrf(&alice_page).unwrap();
    assert_eq!(
        alice.cookie(CSRF_COOKIE).as_deref(),
        Some(alice_token.as_str()),
        "the page's token is the one in the reader's cookie"
    );
    let (status, bob_page) = bob.page(&path).await;
    assert_eq!(status, 200);
    let bob_token = extract_csrf(&bob_page).unwrap();
    assert_ne!(alice_token, bob_token);
    assert_eq!(bob.cookie(CSRF_COOKIE).as_deref(), Some(bob_token.as_str()));
    assert!(!bob_page.contains("csrf-placeholder"));
    assert_eq!(
        alice_page.replace(&alice_token, "TOKEN"),
        bob_page.replace(&bob_token, "TOKEN"),
        "apart from the token, the same page"
    );

    // Alice comes back: her own token again, and it works for her forms.
    let (_, again) = alice.page(&path).await;
    assert_eq!(extract_csrf(&again).as_deref(), Some(alice_token.as_str()));
    let switched = alice
        .post_form_raw(
            "/language",
            &[
                ("lang", "en"),
                ("next", &path),
                ("csrf_token", &alice_token),
            ],
        )
        .await;
    assert_eq!(switched.status(), 303);
    let (_, english) = alice.page(&path).await;
    assert!(english.contains("lang=\"en\""), "a page per language");
    // Bob's token is not Alice's.
    let refused = alice
        .post_form_raw(
            "/language",
            &[("lang", "ja"), ("next", &path), ("csrf_token", &bob_token)],
        )
        .await;
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn a_forged_token_cookie_is_never_written_into_the_page() {
    let s = setup().await;
    let path = format!("/c/{}/ideas", s.slug);
    let evil = "\"><script>alert(1)</script>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let response = s
        .app
        .browser()
        .get_with(&path, &[("Cookie", &format!("{CSRF_COOKIE}={evil}"))])
        .await;
    assert_eq!(response.status(), 200);
    let fresh_cookie = response.headers().get_all("set-cookie").iter().any(|v| {
        v.to_str()
            .unwrap_or("")
            .starts_with(&format!("{CSRF_COOKIE}="))
    });
    assert!(fresh_cookie, "a new token replaces the malformed one");
    let body = response.text().await.unwrap();
    assert!(!body.contains("<script>alert(1)"));
    let token = extract_csrf(&body).unwrap();
    assert!(
        token.len() >= 32
            && token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    );
}

#[tokio::test]
async fn every_write_shows_at_once_to_anonymous_readers() {
    let s = setup().await;
    let reader = s.app.browser();
    let list = format!("/c/{}/ideas", s.slug);
    let detail = format!("/ideas/{}", s.idea);
    let (_, before_list) = reader.page(&list).await;
    let (_, before_detail) = reader.page(&detail).await;

    let voter = citizen(&s.app, "voter@example.jp").await;
    let (status, _) = put_vote(&s.app, &voter, s.idea, "support").await;
    assert_eq!(status, 200);
    let (_, after_list) = reader.page(&list).await;
    let (_, after_detail) = reader.page(&detail).await;
    assert_ne!(
        support_count_text(&before_list),
        support_count_text(&after_list),
        "the list shows the vote immediately"
    );
    assert_ne!(before_detail, after_detail, "so does the idea page");
    assert!(
        after_list.contains("賛成 1")
            || after_list.contains("1 support")
            || after_list.contains(">1<")
    );

    // A new idea appears in the list at once.
    let other = citizen(&s.app, "other@example.jp").await;
    post_idea(
        &s.app,
        &other,
        &s.slug,
        "図書館の予約をオンラインで",
        "本文",
    )
    .await;
    let (_, with_new) = reader.page(&list).await;
    assert!(with_new.contains("図書館の予約をオンラインで"));
}

#[tokio::test]
async fn changes_made_by_another_instance_show_within_a_second() {
    let s = setup().await;
    let reader = s.app.browser();
    let detail = format!("/ideas/{}", s.idea);
    let (_, before) = reader.page(&detail).await;
    assert!(before.contains("駅のバリアフリー情報を一か所に"));
    // Another instance (or tool) renames the idea: this process is not told.
    let mut conn = ideabox::db::connect_single(&s.app.state.settings.database_url).unwrap();
    diesel::connection::SimpleConnection::batch_execute(
        &mut conn,
        &format!(
            "UPDATE ideas SET title = 'Renamed elsewhere' WHERE id = {}",
            s.idea
        ),
    )
    .unwrap();
    tokio::time::sleep(ideabox::cache::FRESHNESS + std::time::Duration::from_millis(100)).await;
    let (_, after) = reader.page(&detail).await;
    assert!(
        after.contains("Renamed elsewhere"),
        "no page is older than a second"
    );
}

#[tokio::test]
async fn signed_in_people_get_their_own_pages() {
    let s = setup().await;
    let detail = format!("/ideas/{}", s.idea);
    // An anonymous reader first, so a shared page exists.
    let (_, anonymous) = s.app.browser().page(&detail).await;
    let member = s.app.signed_in("member@example.jp", Role::Citizen).await;
    let (status, own) = member.page(&detail).await;
    assert_eq!(status, 200);
    assert!(
        own.contains("action=\"/logout\""),
        "their own header, with a way out"
    );
    assert!(!anonymous.contains("action=\"/logout\""));
    // Their session token, not an anonymous one, is in their forms.
    let token = extract_csrf(&own).unwrap();
    let vote = member
        .post_form_raw(
            &format!("/ideas/{}/vote", s.idea),
            &[("value", "support"), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(vote.status(), 303);
}

#[tokio::test]
async fn signed_in_citizens_share_the_list_within_their_group_only() {
    let s = setup().await;
    let list = format!("/c/{}/ideas", s.slug);
    let post_link = format!("href=\"/c/{}/ideas/new\"", s.slug);
    // Everyone signs in first: a sign-in is a write, which would start a fresh page.
    let alice = s.app.signed_in("alice@example.jp", Role::Citizen).await;
    let bob = s.app.signed_in("bob@example.jp", Role::Citizen).await;
    s.app
        .create_user("carol@example.jp", "Carol", Role::Citizen, false)
        .await;
    let carol = s.app.browser();
    assert_eq!(
        carol.login("carol@example.jp", PASSWORD).await.status(),
        303
    );
    let moderator = s.app.signed_in("mod@example.jp", Role::Moderator).await;
    let dave = s.app.signed_in("dave@example.jp", Role::Citizen).await;
    s.app.execute_sql(
        "UPDATE users SET banned_at = CURRENT_TIMESTAMP, suspension_reason = 'spam' \
         WHERE email = 'dave@example.jp'",
    );

    // Alice's page is rendered first and kept for the others of her group.
    let (status, alice_page) = alice.page(&list).await;
    assert_eq!(status, 200);
    let (_, bob_page) = bob.page(&list).await;
    let (_, carol_page) = carol.page(&list).await;
    let (_, moderator_page) = moderator.page(&list).await;
    let (_, dave_page) = dave.page(&list).await;

    let (alice_token, bob_token) = (
        extract_csrf(&alice_page).unwrap(),
        extract_csrf(&bob_page).unwrap(),
    );
    assert_ne!(alice_token, bob_token, "each their own session's token");
    assert_eq!(
        alice_page.replace(&alice_token, "TOKEN"),
        bob_page.replace(&bob_token, "TOKEN"),
        "apart from the token, the same page"
    );
    assert!(alice_page.contains("action=\"/logout\""));
    assert!(alice_page.contains(&post_link));
    assert!(!alice_page.contains("/account#verification"));
    // Someone yet to verify their email is invited to verify, not to post.
    assert!(carol_page.contains("/account#verification"));
    assert!(!carol_page.contains(&post_link));
    // Staff get their own page with their tools.
    assert!(moderator_page.contains("href=\"/moderation\""));
    assert!(!alice_page.contains("href=\"/moderation\""));
    // A suspended citizen sees why they cannot take part.
    assert!(dave_page.contains("banner-suspended"));
    assert!(!dave_page.contains(&post_link));
    assert!(!alice_page.contains("banner-suspended"));

    // The token in Bob's page is his session's: it works for him, Alice's does not.
    let refused = bob
        .post_form_raw(
            "/language",
            &[
                ("lang", "en"),
                ("next", &list),
                ("csrf_token", &alice_token),
            ],
        )
        .await;
    assert_eq!(refused.status(), 403);
    let switched = bob
        .post_form_raw(
            "/language",
            &[("lang", "en"), ("next", &list), ("csrf_token", &bob_token)],
        )
        .await;
    assert_eq!(switched.status(), 303);
    let (_, english) = bob.page(&list).await;
    assert!(english.contains("lang=\"en\""), "a page per language");

    // A new idea shows to the whole group at once.
    post_idea(
        &s.app,
        &citizen(&s.app, "poster@example.jp").await,
        &s.slug,
        "公民館の予約をオンラインで",
        "本文",
    )
    .await;
    let (_, alice_after) = alice.page(&list).await;
    assert!(alice_after.contains("公民館の予約をオンラインで"));
}

#[tokio::test]
async fn an_idea_page_is_shared_only_by_citizens_who_wrote_nothing_on_it_and_voted_alike() {
    let s = setup().await;
    let detail = format!("/ideas/{}", s.idea);
    let pressed = "aria-pressed=\"true\"";
    let edit_link = format!("/ideas/{}/edit", s.idea);
    let supporter = s.app.signed_in("supporter@example.jp", Role::Citizen).await;
    let commenter = s.app.signed_in("commenter@example.jp", Role::Citizen).await;
    let alice = s.app.signed_in("alice@example.jp", Role::Citizen).await;
    let bob = s.app.signed_in("bob@example.jp", Role::Citizen).await;
    let author = s.app.browser();
    assert_eq!(
        author.login("author@example.jp", PASSWORD).await.status(),
        303
    );
    let voted = supporter
        .submit(
            &detail,
            &format!("/ideas/{}/vote", s.idea),
            &[("value", "support")],
        )
        .await;
    assert_eq!(voted.status(), 303);
    let commented = commenter
        .submit(
            &detail,
            &format!("/ideas/{}/comments", s.idea),
            &[("body", "駅ごとの一覧があると助かります。")],
        )
        .await;
    assert_eq!(commented.status(), 303);
    let comment = s.app.count("SELECT MAX(id) FROM comments");
    let delete_own = format!("/comments/{comment}/delete");

    // The pages right after a vote or comment show its message: personal, and read here.
    supporter.page(&detail).await;
    commenter.page(&detail).await;

    // Each page is asked for right after the other, with no write between: whoever comes
    // first leaves a page kept for the next of the same audience.
    let (_, supporter_page) = supporter.page(&detail).await;
    let (_, author_page) = author.page(&detail).await;
    let (_, commenter_page) = commenter.page(&detail).await;
    let (_, alice_page) = alice.page(&detail).await;
    let (_, bob_page) = bob.page(&detail).await;

    assert!(supporter_page.contains(pressed), "their vote shows");
    assert!(!alice_page.contains(pressed), "nobody else's does");
    assert!(author_page.contains(&edit_link), "the author may edit");
    assert!(!commenter_page.contains(&edit_link) && !alice_page.contains(&edit_link));
    assert!(
        commenter_page.contains(&delete_own),
        "their comment is theirs to delete"
    );
    assert!(!alice_page.contains(&delete_own) && !author_page.contains(&delete_own));
    let (alice_token, bob_token) = (
        extract_csrf(&alice_page).unwrap(),
        extract_csrf(&bob_page).unwrap(),
    );
    assert_ne!(alice_token, bob_token);
    assert_eq!(
        alice_page.replace(&alice_token, "TOKEN"),
        bob_page.replace(&bob_token, "TOKEN"),
        "two readers with no stake in the page share it"
    );

    // Bob votes with the token of the page he was served; Alice's page stays without a vote.
    let voted = bob
        .post_form_raw(
            &format!("/ideas/{}/vote", s.idea),
            &[("value", "oppose"), ("csrf_token", &bob_token)],
        )
        .await;
    assert_eq!(voted.status(), 303);
    bob.page(&detail).await;
    let (_, bob_after) = bob.page(&detail).await;
    let (_, alice_after) = alice.page(&detail).await;
    assert!(bob_after.contains(pressed));
    assert!(!alice_after.contains(pressed));
}

#[tokio::test]
async fn a_comment_makes_only_its_own_page_of_the_discussion_personal() {
    let s = setup().await;
    // Sixty comments written straight into the database fill page one (fifty threads).
    let author_id = s.app.count("SELECT MIN(id) FROM users");
    s.app.execute_sql(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60) \
         INSERT INTO comments (idea_id, author_id, body, body_html, created_at, updated_at) \
         SELECT {}, {author_id}, 'comment ' || i, '<p>comment ' || i || '</p>', \
         CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM n",
        s.idea
    ));
    let detail = format!("/ideas/{}", s.idea);
    let commenter = s.app.signed_in("commenter@example.jp", Role::Citizen).await;
    let alice = s.app.signed_in("alice@example.jp", Role::Citizen).await;
    let commented = commenter
        .submit(
            &detail,
            &format!("/ideas/{}/comments", s.idea),
            &[("body", "二ページ目に載る意見です。")],
        )
        .await;
    assert_eq!(commented.status(), 303);
    let own = s.app.count("SELECT MAX(id) FROM comments");
    let delete_own = format!("/comments/{own}/delete");
    let page_one_end = s
        .app
        .count("SELECT id FROM comments WHERE parent_id IS NULL ORDER BY id LIMIT 1 OFFSET 49");
    let page_two = format!("{detail}?comments_cursor={page_one_end}");
    commenter.page(&detail).await;

    let (_, commenter_one) = commenter.page(&detail).await;
    let (_, alice_one) = alice.page(&detail).await;
    let (commenter_token, alice_token) = (
        extract_csrf(&commenter_one).unwrap(),
        extract_csrf(&alice_one).unwrap(),
    );
    assert_eq!(
        commenter_one.replace(&commenter_token, "TOKEN"),
        alice_one.replace(&alice_token, "TOKEN"),
        "page one shows nothing of the commenter's: shared"
    );
    assert!(!commenter_one.contains(&delete_own));

    let (_, commenter_two) = commenter.page(&page_two).await;
    let (_, alice_two) = alice.page(&page_two).await;
    assert!(
        commenter_two.contains(&delete_own),
        "their comment, theirs to delete"
    );
    assert!(!alice_two.contains(&delete_own), "nobody else's");
    assert!(alice_two.contains("二ページ目に載る意見です。"));
}

#[tokio::test]
async fn shared_pages_keep_the_security_headers_and_stay_out_of_other_caches() {
    let s = setup().await;
    let path = format!("/c/{}/ideas", s.slug);
    let browser = s.app.browser();
    browser.get(&path).await;
    let cached = browser.get(&path).await;
    assert_eq!(cached.status(), 200);
    let headers = cached.headers();
    assert!(headers.get("content-security-policy").is_some());
    assert_eq!(headers.get("cache-control").unwrap(), "no-store");
    assert!(
        headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn the_public_api_is_shared_too_and_fresh_after_every_write() {
    let s = setup().await;
    let api = s.app.api();
    let path = format!("/api/v1/ideas/{}", s.idea);
    let (status, _, before) = api.get(&path, None).await;
    assert_eq!(status, 200);
    assert_eq!(before["support_count"], 0);
    let (_, headers, again) = api.get(&path, None).await;
    assert_eq!(again, before, "the same answer, shared");
    assert!(headers.get("set-cookie").is_none(), "no cookie on the API");

    let voter = citizen(&s.app, "voter@example.jp").await;
    assert_eq!(put_vote(&s.app, &voter, s.idea, "support").await.0, 200);
    let (_, _, after) = api.get(&path, None).await;
    assert_eq!(after["support_count"], 1, "the vote shows at once");

    // Signed-in callers get their own answer (their vote), never the shared one.
    let token = s.app.api().token("voter@example.jp").await;
    let (_, _, own) = api.get(&path, Some(&token)).await;
    assert_eq!(own["my_vote"], "support");
    let (_, _, anonymous) = api.get(&path, None).await;
    assert!(anonymous["my_vote"].is_null(), "{anonymous}");

    // Errors are not kept: a missing idea stays a 404 problem for everyone.
    let (status, headers, _) = api.get("/api/v1/ideas/999999", None).await;
    assert_eq!(status, 404);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/problem+json")
    );
}

#[tokio::test]
async fn many_readers_arriving_at_once_all_get_the_page() {
    let s = setup().await;
    let path = format!("/c/{}/ideas", s.slug);
    let readers: Vec<_> = (0..40).map(|_| s.app.browser()).collect();
    let pages = futures_util::future::join_all(readers.iter().map(|r| r.page(&path))).await;
    let mut tokens = std::collections::HashSet::new();
    for (status, page) in &pages {
        assert_eq!(*status, 200);
        assert!(page.contains("駅のバリアフリー情報を一か所に"));
        tokens.insert(extract_csrf(page).unwrap());
    }
    assert_eq!(tokens.len(), 40, "each reader has their own token");
}
