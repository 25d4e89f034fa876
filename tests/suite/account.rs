//! The account page: profile, email change, sessions, tokens, data download, deletion.

use ideabox::domain::role::Role;

use crate::support::*;

#[tokio::test]
async fn display_name_changes_are_validated() {
    let app = spawn_app().await;
    let browser = app.signed_in("name@example.jp", Role::Citizen).await;
    let res = browser
        .submit(
            "/account",
            "/account/name",
            &[("display_name", &"長".repeat(51))],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = browser
        .submit(
            "/account",
            "/account/name",
            &[("display_name", "  新しい  名前 ")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, body) = browser.page("/account").await;
    assert!(body.contains("新しい 名前"));
    assert!(body.contains("flash") || body.contains("role=\"status\""));
}

#[tokio::test]
async fn changing_the_email_takes_effect_only_after_the_new_address_confirms() {
    let app = spawn_app().await;
    let browser = app.signed_in("old@example.jp", Role::Citizen).await;
    let res = browser
        .submit(
            "/account",
            "/account/email",
            &[
                ("new_email", "new@example.jp"),
                ("current_password", "wrong password here"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = browser
        .submit(
            "/account",
            "/account/email",
            &[
                ("new_email", "New@Example.jp"),
                ("current_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'old@example.jp'"),
        1,
        "unchanged until confirmed"
    );
    let link = app
        .last_email("new@example.jp")
        .await
        .link_containing("/email/confirm?token=");
    let res = browser.get(&link).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'new@example.jp'"),
        1
    );
    let notice = app.last_email("old@example.jp").await;
    assert!(
        notice.subject.contains("メールアドレスが変更"),
        "{}",
        notice.subject
    );
    assert_eq!(
        app.browser()
            .login("new@example.jp", PASSWORD)
            .await
            .status(),
        303
    );
    assert_eq!(browser.get(&link).await.status(), 400, "single use");
}

#[tokio::test]
async fn moving_to_a_taken_address_changes_nothing_and_reveals_nothing() {
    let app = spawn_app().await;
    app.create_user("taken@example.jp", "T", Role::Citizen, true)
        .await;
    let browser = app.signed_in("mover@example.jp", Role::Citizen).await;
    let res = browser
        .submit(
            "/account",
            "/account/email",
            &[
                ("new_email", "taken@example.jp"),
                ("current_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "same answer as for a free address");
    let mail = app.last_email("taken@example.jp").await;
    assert!(
        !mail.text.contains("/email/confirm"),
        "no confirmation link for a taken address"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'mover@example.jp'"),
        1
    );
}

#[tokio::test]
async fn the_account_page_lists_sessions_and_can_end_them() {
    let app = spawn_app().await;
    let here = app.signed_in("multi@example.jp", Role::Citizen).await;
    let phone = app.browser();
    phone.login("multi@example.jp", PASSWORD).await;
    let (_, page) = here.page("/account").await;
    assert_eq!(
        page.matches("/account/sessions/").count()
            - page.matches("/account/sessions/end-all").count(),
        2
    );

    // End the phone's session (the newer one) by its id.
    let target = app.count("SELECT MAX(id) FROM sessions");
    let res = here
        .submit("/account", &format!("/account/sessions/{target}/end"), &[])
        .await;
    assert_eq!(res.status(), 303);
    assert!(!phone.is_signed_in().await);
    assert!(here.is_signed_in().await);

    // Someone else's session id is not found.
    let stranger = app.signed_in("stranger@example.jp", Role::Citizen).await;
    let stranger_id = app.count("SELECT MAX(id) FROM sessions");
    let res = here
        .submit(
            "/account",
            &format!("/account/sessions/{stranger_id}/end"),
            &[],
        )
        .await;
    assert_eq!(res.status(), 404);
    assert!(stranger.is_signed_in().await);

    // Sign out everywhere.
    phone.login("multi@example.jp", PASSWORD).await;
    let res = here
        .submit("/account", "/account/sessions/end-all", &[])
        .await;
    assert_eq!(res.status(), 303);
    assert!(!here.is_signed_in().await && !phone.is_signed_in().await);
}

#[tokio::test]
async fn api_tokens_are_shown_once_listed_and_revocable_from_the_page() {
    let app = spawn_app().await;
    let browser = app.signed_in("tok@example.jp", Role::Citizen).await;
    let res = browser
        .submit("/account", "/account/tokens", &[("name", "my script")])
        .await;
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    let start = body.find("value=\"ibx_").expect("token shown") + 7;
    let token = &body[start..start + body[start..].find('"').unwrap()];
    let (status, _, me) = app.api().get("/api/v1/me", Some(token)).await;
    assert_eq!(status, 200);
    assert_eq!(me["role"], "citizen");

    let (_, page) = browser.page("/account").await;
    assert!(page.contains("my script"));
    assert!(!page.contains(token), "never shown again");
    let id = app.count("SELECT MAX(id) FROM api_tokens");
    let res = browser
        .submit("/account", &format!("/account/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.api().get("/api/v1/me", Some(token)).await.0, 401);
}

#[tokio::test]
async fn download_my_data_returns_everything_about_me_and_nothing_secret() {
    let app = spawn_app().await;
    let browser = app.signed_in("data@example.jp", Role::Citizen).await;
    app.api().token("data@example.jp").await;
    let res = browser.get("/account/data").await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(res.headers()["cache-control"], "no-store");
    let data: serde_json::Value = res.json().await.unwrap();
    assert_eq!(data["account"]["email"], "data@example.jp");
    assert_eq!(data["account"]["display_name"], "Test person");
    assert_eq!(data["sessions"].as_array().unwrap().len(), 1);
    assert_eq!(data["api_tokens"].as_array().unwrap().len(), 1);
    let text = data.to_string();
    assert!(!text.contains("argon2") && !text.contains("token_hash") && !text.contains("csrf"));
    assert_eq!(
        app.browser().get("/account/data").await.status(),
        303,
        "needs a login"
    );
}

#[tokio::test]
async fn deleting_the_account_erases_personal_data_and_ends_all_access() {
    let app = spawn_app().await;
    let browser = app.signed_in("bye@example.jp", Role::Citizen).await;
    let other = app.browser();
    other.login("bye@example.jp", PASSWORD).await;
    let token = app.api().token("bye@example.jp").await;

    let res = browser
        .submit(
            "/account",
            "/account/delete",
            &[("current_password", "not my password")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(browser.is_signed_in().await);

    let res = browser
        .submit(
            "/account",
            "/account/delete",
            &[("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert!(!browser.is_signed_in().await && !other.is_signed_in().await);
    assert_eq!(app.api().get("/api/v1/me", Some(&token)).await.0, 401);
    assert_eq!(
        app.browser()
            .login("bye@example.jp", PASSWORD)
            .await
            .status(),
        422
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE deleted_at IS NOT NULL AND email IS NULL AND display_name IS NULL AND password_hash IS NULL"), 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions") + app.count("SELECT COUNT(*) FROM api_tokens"),
        0
    );
    // The address is free again.
    let (status, _, _) = app
        .api()
        .post("/api/v1/users", &serde_json::json!({"email": "bye@example.jp", "display_name": "Back", "password": PASSWORD}), None)
        .await;
    assert_eq!(status, 201);
    app.wait_for_emails("bye@example.jp", 1).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'bye@example.jp'"),
        1
    );
}

#[tokio::test]
async fn the_last_admin_cannot_delete_their_account() {
    let app = spawn_app().await;
    let admin = app.signed_in("only-admin@example.jp", Role::Admin).await;
    let res = admin
        .submit(
            "/account",
            "/account/delete",
            &[("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 409);
    assert!(admin.is_signed_in().await);
}

#[tokio::test]
async fn unverified_people_see_a_reminder_and_can_resend() {
    let app = spawn_app().await;
    app.create_user("unv@example.jp", "U", Role::Citizen, false)
        .await;
    let browser = app.browser();
    browser.login("unv@example.jp", PASSWORD).await;
    let (_, page) = browser.page("/").await;
    assert!(page.contains("banner-warning"));
    let res = browser
        .submit("/account", "/account/verification", &[])
        .await;
    assert_eq!(res.status(), 303);
    let link = app
        .last_email("unv@example.jp")
        .await
        .link_containing("/verify?token=");
    assert_eq!(browser.get(&link).await.status(), 200);
    let (_, page) = browser.page("/").await;
    assert!(!page.contains("banner-warning"));
}
