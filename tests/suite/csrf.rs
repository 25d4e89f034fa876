//! CSRF: cookie-authenticated changes need the session's token and a same-origin request.

use ideabox::domain::role::Role;

use crate::support::*;

async fn display_name(app: &TestApp) -> String {
    let st = app.state.clone();
    ideabox::services::users_admin::find_by_email(&st, "csrf@example.jp")
        .await
        .unwrap()
        .unwrap()
        .display_name
        .unwrap()
}

#[tokio::test]
async fn a_change_without_the_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let browser = app.signed_in("csrf@example.jp", Role::Citizen).await;
    let res = browser
        .post_form_raw("/account/name", &[("display_name", "Hijacked")])
        .await;
    assert_eq!(res.status(), 403);
    let res = browser
        .post_form_raw(
            "/account/name",
            &[("display_name", "Hijacked"), ("csrf_token", "wrong")],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(display_name(&app).await, "Test person");

    let res = browser
        .submit("/account", "/account/name", &[("display_name", "Renamed")])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(display_name(&app).await, "Renamed");
}

#[tokio::test]
async fn a_cross_origin_request_is_refused_even_with_a_valid_token() {
    let app = spawn_app().await;
    let browser = app.signed_in("csrf@example.jp", Role::Citizen).await;
    let token = browser.csrf_token("/account").await;
    let fields = [("display_name", "Evil"), ("csrf_token", token.as_str())];
    let res = browser
        .post_form_with_headers(
            "/account/name",
            &fields,
            &[("Origin", "https://evil.example")],
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = browser
        .post_form_with_headers(
            "/account/name",
            &fields,
            &[("Sec-Fetch-Site", "cross-site")],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(display_name(&app).await, "Test person");
}

#[tokio::test]
async fn another_sessions_token_does_not_work() {
    let app = spawn_app().await;
    let victim = app.signed_in("csrf@example.jp", Role::Citizen).await;
    let attacker = app.signed_in("attacker@example.jp", Role::Citizen).await;
    let attackers_token = attacker.csrf_token("/account").await;
    let res = victim
        .post_form_raw(
            "/account/name",
            &[("display_name", "Pwned"), ("csrf_token", &attackers_token)],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(display_name(&app).await, "Test person");
}

#[tokio::test]
async fn the_header_form_of_the_token_works_for_scripts() {
    let app = spawn_app().await;
    let browser = app.signed_in("csrf@example.jp", Role::Citizen).await;
    let token = browser.csrf_token("/account").await;
    let res = browser
        .post_form_with_headers(
            "/account/name",
            &[("display_name", "ViaHeader")],
            &[("X-CSRF-Token", &token), ("Origin", &app.address)],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(display_name(&app).await, "ViaHeader");
}

#[tokio::test]
async fn forms_before_login_use_a_double_submitted_token() {
    let app = spawn_app().await;
    app.create_user("csrf@example.jp", "C", Role::Citizen, true)
        .await;
    let fresh = app.browser();
    // No token cookie yet: a forged login is refused (login CSRF).
    let res = fresh
        .post_form_raw(
            "/login",
            &[("email", "csrf@example.jp"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = fresh
        .post_form_raw(
            "/login",
            &[
                ("email", "csrf@example.jp"),
                ("password", PASSWORD),
                ("csrf_token", "guess"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert!(!fresh.is_signed_in().await);
    assert_eq!(fresh.login("csrf@example.jp", PASSWORD).await.status(), 303);
}

#[tokio::test]
async fn api_calls_with_a_bearer_token_need_no_csrf_token_but_cookie_calls_do() {
    let app = spawn_app().await;
    let browser = app.signed_in("csrf@example.jp", Role::Citizen).await;
    let token = app.api().token("csrf@example.jp").await;
    let (status, _, _) = app
        .api()
        .delete("/api/v1/tokens/current", Some(&token))
        .await;
    assert_eq!(status, 204);

    // The same browser session calling the API with its cookie needs the header.
    let res = browser
        .client
        .delete(app.url("/api/v1/tokens/1"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}
