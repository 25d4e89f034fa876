//! Registration and email verification, on the form and the API.

use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn a_person_registers_verifies_by_the_emailed_link_and_can_log_in() {
    let app = spawn_app().await;
    let browser = app.browser();
    let res = browser
        .submit(
            "/register",
            "/register",
            &[
                ("email", "Hanako@Example.jp"),
                ("display_name", "山田 花子"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/register/check-email");

    let mail = app.last_email("hanako@example.jp").await;
    assert!(mail.subject.contains("IdeaBox"));
    assert!(mail.text.contains("山田 花子"), "greets by display name");
    assert!(!mail.html.is_empty(), "has an HTML part too");
    assert!(mail.raw.contains("Message-ID"), "{}", mail.raw);
    let link = mail.link_containing("/verify?token=");
    assert!(link.starts_with(&app.address));

    // Unverified until the link is followed.
    assert_eq!(
        browser.login("hanako@example.jp", PASSWORD).await.status(),
        303
    );
    let token = app.api().token("hanako@example.jp").await;
    let (_, _, me) = app.api().get("/api/v1/me", Some(&token)).await;
    assert_eq!(me["verified"], false);

    let (status, body) = browser.page(&link).await;
    assert_eq!(status, 200, "{body}");
    let (_, _, me) = app.api().get("/api/v1/me", Some(&token)).await;
    assert_eq!(me["verified"], true);
    assert_eq!(me["display_name"], "山田 花子");
    assert!(
        me.get("email").is_none(),
        "the API does not need to echo the address"
    );

    // The link works once.
    let (status, _) = browser.page(&link).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn the_verification_email_follows_the_readers_language() {
    let app = spawn_app().await;
    let browser = app.browser();
    let token = browser.csrf_token("/register").await;
    let res = browser
        .post_form_with_headers(
            "/register",
            &[
                ("csrf_token", &token),
                ("email", "ken@example.jp"),
                ("display_name", "Ken"),
                ("password", PASSWORD),
            ],
            &[
                ("Origin", &app.address),
                ("Accept-Language", "en-GB,en;q=0.9"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let mail = app.last_email("ken@example.jp").await;
    assert!(
        mail.subject.contains("confirm your email"),
        "{}",
        mail.subject
    );

    let res = app
        .api()
        .post(
            "/api/v1/users",
            &json!({"email": "taro@example.jp", "display_name": "太郎", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(res.0, 201);
    let mail = app.last_email("taro@example.jp").await;
    assert!(
        mail.subject.contains("メールアドレスの確認"),
        "default language is Japanese: {}",
        mail.subject
    );
}

#[tokio::test]
async fn invalid_forms_are_shown_again_with_every_field_error_and_nothing_is_created() {
    let app = spawn_app().await;
    let browser = app.browser();
    let res = browser
        .submit(
            "/register",
            "/register",
            &[
                ("email", "not-an-email"),
                ("display_name", "   "),
                ("password", "password1234"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("error-summary"));
    assert!(
        body.contains("href=\"#field-email\"")
            && body.contains("href=\"#field-display_name\"")
            && body.contains("href=\"#field-password\"")
    );
    assert!(body.contains("value=\"not-an-email\""), "input kept");
    assert!(!body.contains("password1234"), "passwords are never echoed");
    assert!(body.contains("aria-invalid=\"true\""));
    assert_eq!(app.count("SELECT COUNT(*) FROM users"), 0);
}

#[tokio::test]
async fn password_rules_length_any_unicode_and_common_list() {
    let app = spawn_app().await;
    let api = app.api();
    let cases = [
        ("short@example.jp", "elevenchars", 422),
        ("common@example.jp", "qwertyuiop123", 422),
        ("long@example.jp", &"長".repeat(129), 422),
        ("unicode@example.jp", "日本語のパスワードです空白も可", 201),
        ("max@example.jp", &"ab".repeat(64), 201),
    ];
    for (email, password, expected) in cases {
        let (status, _, body) = api
            .post(
                "/api/v1/users",
                &json!({"email": email, "display_name": "P", "password": password}),
                None,
            )
            .await;
        assert_eq!(status, expected, "{email}: {body}");
        if expected == 422 {
            assert_eq!(body["errors"][0]["field"], "password", "{body}");
        }
    }
}

#[tokio::test]
async fn registering_a_known_address_looks_identical_and_warns_its_owner() {
    let app = spawn_app().await;
    app.create_user(
        "known@example.jp",
        "Known",
        ideabox::domain::role::Role::Citizen,
        true,
    )
    .await;
    let api = app.api();
    let new = api
        .post(
            "/api/v1/users",
            &json!({"email": "new@example.jp", "display_name": "N", "password": PASSWORD}),
            None,
        )
        .await;
    let known = api
        .post(
            "/api/v1/users",
            &json!({"email": "known@example.jp", "display_name": "N", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(new.0, 201);
    assert_eq!(known.0, new.0);
    assert_eq!(known.2, new.2, "same body");

    // The form answers alike too.
    let b1 = app.browser();
    let b2 = app.browser();
    let r1 = b1
        .submit(
            "/register",
            "/register",
            &[
                ("email", "other@example.jp"),
                ("display_name", "O"),
                ("password", PASSWORD),
            ],
        )
        .await;
    let r2 = b2
        .submit(
            "/register",
            "/register",
            &[
                ("email", "known@example.jp"),
                ("display_name", "O"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r1.status(), r2.status());
    assert_eq!(r1.headers()["location"], r2.headers()["location"]);

    let mails = app.wait_for_emails("known@example.jp", 2).await;
    assert!(
        mails.iter().all(|m| !m.text.contains("/verify?token=")),
        "no verification link for an existing account"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'known@example.jp'"),
        1
    );
    // The password of the existing account did not change.
    assert_eq!(
        app.browser()
            .login("known@example.jp", PASSWORD)
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn expired_and_forged_verification_links_are_refused() {
    let app = spawn_app().await;
    app.api()
        .post(
            "/api/v1/users",
            &json!({"email": "late@example.jp", "display_name": "L", "password": PASSWORD}),
            None,
        )
        .await;
    let link = app
        .last_email("late@example.jp")
        .await
        .link_containing("/verify?token=");
    app.execute_sql(&format!(
        "UPDATE email_tokens SET expires_at = '{}'",
        hours_ago(1)
    ));
    let browser = app.browser();
    assert_eq!(browser.page(&link).await.0, 400);
    assert_eq!(browser.page("/verify?token=forged").await.0, 400);
    assert_eq!(browser.page("/verify").await.0, 400);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email_verified_at IS NOT NULL"),
        0
    );
}

#[tokio::test]
async fn resending_replaces_the_old_link_and_answers_alike_for_unknown_addresses() {
    let app = spawn_app().await;
    app.api()
        .post(
            "/api/v1/users",
            &json!({"email": "again@example.jp", "display_name": "A", "password": PASSWORD}),
            None,
        )
        .await;
    let first = app
        .last_email("again@example.jp")
        .await
        .link_containing("/verify?token=");
    let browser = app.browser();
    let known = browser
        .submit(
            "/verify/resend",
            "/verify/resend",
            &[("email", "again@example.jp")],
        )
        .await;
    let unknown = browser
        .submit(
            "/verify/resend",
            "/verify/resend",
            &[("email", "nobody@example.jp")],
        )
        .await;
    assert_eq!(known.status(), 303);
    assert_eq!(unknown.status(), known.status());
    assert_eq!(unknown.headers()["location"], known.headers()["location"]);
    let mails = app.wait_for_emails("again@example.jp", 2).await;
    let second = mails.last().unwrap().link_containing("/verify?token=");
    assert_ne!(first, second);
    assert_eq!(
        browser.page(&first).await.0,
        400,
        "the old link no longer works"
    );
    assert_eq!(browser.page(&second).await.0, 200);
    assert!(app.emails().iter().all(|m| m.to != "nobody@example.jp"));
}

#[tokio::test]
async fn tokens_and_passwords_are_stored_hashed() {
    let app = spawn_app().await;
    app.api()
        .post(
            "/api/v1/users",
            &json!({"email": "h@example.jp", "display_name": "H", "password": PASSWORD}),
            None,
        )
        .await;
    let link = app
        .last_email("h@example.jp")
        .await
        .link_containing("/verify?token=");
    let token = link.split("token=").nth(1).unwrap();
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM email_tokens WHERE token_hash = '{token}'"
        )),
        0
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM users WHERE password_hash LIKE '$argon2id$v=19$m=19456,t=2,p=1$%'"
        ),
        1
    );
}
