//! Forgotten passwords and password changes.

use ideabox::domain::role::Role;

use crate::support::*;

const NEW_PASSWORD: &str = "a brand new passphrase 2026";

#[tokio::test]
async fn forgotten_password_answers_alike_for_known_and_unknown_addresses() {
    let app = spawn_app().await;
    app.create_user("known@example.jp", "K", Role::Citizen, true)
        .await;
    let browser = app.browser();
    let known = browser
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "known@example.jp")],
        )
        .await;
    let unknown = browser
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "unknown@example.jp")],
        )
        .await;
    assert_eq!(known.status(), 303);
    assert_eq!(known.status(), unknown.status());
    assert_eq!(known.headers()["location"], unknown.headers()["location"]);
    let (_, a) = browser
        .page(known.headers()["location"].to_str().unwrap())
        .await;
    let (_, b) = browser
        .page(unknown.headers()["location"].to_str().unwrap())
        .await;
    assert_eq!(normalise(&a), normalise(&b));
    app.wait_for_emails("known@example.jp", 1).await;
    assert!(app.emails().iter().all(|m| m.to != "unknown@example.jp"));
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_ends_every_session() {
    let app = spawn_app().await;
    let elsewhere = app.signed_in("reset@example.jp", Role::Citizen).await;
    let browser = app.browser();
    let (link, token) = app.password_reset_link(&browser, "reset@example.jp").await;

    let (status, form) = browser.page(&link).await;
    assert_eq!(status, 200);
    assert!(form.contains(&format!("value=\"{token}\"")));

    // Rules apply: a weak password is refused and the link stays usable.
    let res = browser
        .submit(
            &link,
            "/password/reset",
            &[("token", &token), ("password", "short")],
        )
        .await;
    assert_eq!(res.status(), 422);

    let res = browser
        .submit(
            &link,
            "/password/reset",
            &[("token", &token), ("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/login");
    assert!(!elsewhere.is_signed_in().await, "other sessions ended");
    assert_eq!(
        browser.login("reset@example.jp", PASSWORD).await.status(),
        422,
        "old password gone"
    );
    assert_eq!(
        browser
            .login("reset@example.jp", NEW_PASSWORD)
            .await
            .status(),
        303
    );

    // Single use.
    let again = app.browser();
    assert_eq!(again.page(&link).await.0, 400);
    let res = again
        .submit(
            "/password/forgot",
            "/password/reset",
            &[("token", &token), ("password", "yet another passphrase")],
        )
        .await;
    assert_eq!(res.status(), 400);

    // The owner is told.
    let mails = app.wait_for_emails("reset@example.jp", 2).await;
    assert!(
        mails.last().unwrap().subject.contains("パスワードが変更"),
        "{}",
        mails.last().unwrap().subject
    );
}

#[tokio::test]
async fn an_expired_reset_link_is_refused() {
    let app = spawn_app().await;
    app.create_user("slow@example.jp", "S", Role::Citizen, true)
        .await;
    let browser = app.browser();
    let (link, token) = app.password_reset_link(&browser, "slow@example.jp").await;
    // Links live one hour.
    app.execute_sql(&format!(
        "UPDATE email_tokens SET expires_at = '{}'",
        hours_ago(0)
    ));
    let (status, body) = browser.page(&link).await;
    assert_eq!(status, 400);
    assert!(body.contains("/password/forgot"), "offers a new link");
    let res = browser
        .submit(
            "/password/forgot",
            "/password/reset",
            &[("token", &token), ("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        browser.login("slow@example.jp", PASSWORD).await.status(),
        303,
        "password unchanged"
    );
}

#[tokio::test]
async fn a_new_reset_link_voids_the_previous_one() {
    let app = spawn_app().await;
    app.create_user("twice@example.jp", "T", Role::Citizen, true)
        .await;
    let browser = app.browser();
    browser
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "twice@example.jp")],
        )
        .await;
    let first = app
        .last_email("twice@example.jp")
        .await
        .link_containing("token=");
    browser
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "twice@example.jp")],
        )
        .await;
    let mails = app.wait_for_emails("twice@example.jp", 2).await;
    let second = mails.last().unwrap().link_containing("token=");
    assert_eq!(browser.page(&first).await.0, 400);
    assert_eq!(browser.page(&second).await.0, 200);
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_signs_out_other_browsers() {
    let app = spawn_app().await;
    let here = app.signed_in("change@example.jp", Role::Citizen).await;
    let there = app.browser();
    there.login("change@example.jp", PASSWORD).await;
    assert!(there.is_signed_in().await);

    let res = here
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", "not it at all"),
                ("new_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(there.is_signed_in().await, "nothing changed");

    let res = here
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "123456789012"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422, "rules apply to the new password");

    let res = here
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert!(
        here.is_signed_in().await,
        "this browser stays signed in with a fresh session"
    );
    assert!(!there.is_signed_in().await, "others are signed out");
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions"), 1);
    assert_eq!(
        app.browser()
            .login("change@example.jp", NEW_PASSWORD)
            .await
            .status(),
        303
    );
    app.wait_for_emails("change@example.jp", 1).await;
}

#[tokio::test]
async fn hashes_with_weaker_parameters_are_upgraded_at_login() {
    use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
    let app = spawn_app().await;
    app.create_user("legacy@example.jp", "L", Role::Citizen, true)
        .await;
    let weak = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(8192, 1, 1, None).unwrap(),
    )
    .hash_password(PASSWORD.as_bytes())
    .unwrap()
    .to_string();
    app.execute_sql(&format!("UPDATE users SET password_hash = '{weak}'"));
    assert_eq!(
        app.browser()
            .login("legacy@example.jp", PASSWORD)
            .await
            .status(),
        303
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM users WHERE password_hash LIKE '$argon2id$v=19$m=19456,t=2,p=1$%'"
        ),
        1
    );
    assert_eq!(
        app.browser()
            .login("legacy@example.jp", PASSWORD)
            .await
            .status(),
        303
    );
}
