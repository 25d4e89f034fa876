//! Japanese and English: negotiation, the switch, and remembering the choice.

use ideabox::domain::role::Role;

use crate::support::*;

#[tokio::test]
async fn the_browser_language_decides_until_someone_chooses() {
    let app = spawn_app().await;
    let browser = app.browser();
    let res = browser.get("/login").await;
    assert!(
        res.text().await.unwrap().contains("<html lang=\"ja\""),
        "Japanese by default"
    );
    let res = browser
        .get_with("/login", &[("Accept-Language", "en-US,en;q=0.8")])
        .await;
    let body = res.text().await.unwrap();
    assert!(body.contains("<html lang=\"en\"") && body.contains("Log in"));

    let res = browser
        .submit(
            "/login",
            "/language",
            &[("lang", "ja"), ("next", "/login?next=%2Faccount")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/login?next=%2Faccount",
        "back to the same page"
    );
    let res = browser
        .get_with("/login", &[("Accept-Language", "en")])
        .await;
    assert!(
        res.text().await.unwrap().contains("<html lang=\"ja\""),
        "the choice wins over the header"
    );
}

#[tokio::test]
async fn the_switch_rejects_unknown_languages_and_foreign_redirects() {
    let app = spawn_app().await;
    let browser = app.browser();
    let res = browser
        .submit("/", "/language", &[("lang", "fr"), ("next", "/")])
        .await;
    assert_eq!(res.status(), 400);
    let res = browser
        .submit(
            "/",
            "/language",
            &[("lang", "en"), ("next", "https://evil.example/")],
        )
        .await;
    assert_eq!(res.headers()["location"], "/");
}

#[tokio::test]
async fn a_signed_in_persons_choice_follows_them_to_a_new_browser() {
    let app = spawn_app().await;
    let browser = app.signed_in("polyglot@example.jp", Role::Citizen).await;
    browser
        .submit(
            "/account",
            "/language",
            &[("lang", "en"), ("next", "/account")],
        )
        .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE language = 'en'"),
        1
    );
    let laptop = app.browser();
    laptop.login("polyglot@example.jp", PASSWORD).await;
    let (_, page) = laptop.page("/account").await;
    assert!(page.contains("<html lang=\"en\""));
    // Mail follows the stored language too.
    laptop
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "polyglot@example.jp")],
        )
        .await;
    let mail = app.last_email("polyglot@example.jp").await;
    assert!(
        mail.subject.contains("Reset your password"),
        "{}",
        mail.subject
    );
}

#[tokio::test]
async fn field_errors_are_translated() {
    let app = spawn_app().await;
    let browser = app.browser();
    let token = browser.csrf_token("/register").await;
    let res = browser
        .post_form_with_headers(
            "/register",
            &[
                ("csrf_token", &token),
                ("email", ""),
                ("display_name", "x"),
                ("password", "x"),
            ],
            &[("Origin", &app.address), ("Accept-Language", "en")],
        )
        .await;
    let body = res.text().await.unwrap();
    assert!(body.contains("Enter your email address."), "{body}");
    let res = browser
        .post_form_with_headers(
            "/register",
            &[
                ("csrf_token", &token),
                ("email", ""),
                ("display_name", "x"),
                ("password", "x"),
            ],
            &[("Origin", &app.address), ("Accept-Language", "ja")],
        )
        .await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("メールアドレスを入力してください。")
    );
}
