//! Abuse limits: per account and per client address, held in the shared database.

use ideabox::domain::role::Role;
use serde_json::json;

use crate::support::*;

async fn fail_login(browser: &Browser, email: &str) -> u16 {
    browser
        .login(email, "definitely the wrong password")
        .await
        .status()
        .as_u16()
}

#[tokio::test]
async fn ten_failed_logins_lock_the_account_for_a_while_but_not_for_good() {
    let app = spawn_app().await;
    app.create_user("target@example.jp", "T", Role::Citizen, true)
        .await;
    app.create_user("bystander@example.jp", "B", Role::Citizen, true)
        .await;
    let attacker = app.browser();
    for _ in 0..10 {
        assert_eq!(fail_login(&attacker, "target@example.jp").await, 422);
    }
    let res = attacker.login("target@example.jp", PASSWORD).await;
    assert_eq!(res.status(), 429, "even the right password waits");
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry));
    let (_, api_headers, body) = app
        .api()
        .post(
            "/api/v1/tokens",
            &json!({"email": "target@example.jp", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(body["status"], 429);
    assert!(api_headers.contains_key("retry-after"));

    // Other accounts are unaffected.
    assert_eq!(
        app.browser()
            .login("bystander@example.jp", PASSWORD)
            .await
            .status(),
        303
    );

    // When the window has passed, the owner gets in.
    app.execute_sql("UPDATE rate_limit_counters SET window_start = window_start - 900");
    assert_eq!(
        app.browser()
            .login("target@example.jp", PASSWORD)
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn a_password_reset_lifts_a_login_lock() {
    let app = spawn_app().await;
    app.create_user("locked@example.jp", "L", Role::Citizen, true)
        .await;
    let browser = app.browser();
    for _ in 0..10 {
        fail_login(&browser, "locked@example.jp").await;
    }
    assert_eq!(
        browser.login("locked@example.jp", PASSWORD).await.status(),
        429
    );
    browser
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "locked@example.jp")],
        )
        .await;
    let link = app
        .last_email("locked@example.jp")
        .await
        .link_containing("token=");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let res = browser
        .submit(
            &link,
            "/password/reset",
            &[("token", &token), ("password", "my fresh passphrase 99")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        browser
            .login("locked@example.jp", "my fresh passphrase 99")
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn limits_hold_across_instances_sharing_the_database() {
    let a = spawn_app().await;
    let b = spawn_app_with(TestOptions {
        database_url: Some(a.database_url.clone()),
        ..Default::default()
    })
    .await;
    a.create_user("shared@example.jp", "S", Role::Citizen, true)
        .await;
    for i in 0..10 {
        let instance = if i % 2 == 0 { &a } else { &b };
        fail_login(&instance.browser(), "shared@example.jp").await;
    }
    assert_eq!(
        a.browser()
            .login("shared@example.jp", PASSWORD)
            .await
            .status(),
        429
    );
    assert_eq!(
        b.browser()
            .login("shared@example.jp", PASSWORD)
            .await
            .status(),
        429
    );
}

#[tokio::test]
async fn registrations_are_limited_per_address_and_forwarded_for_only_counts_behind_a_trusted_proxy()
 {
    // Direct clients: X-Forwarded-For is ignored, everyone here shares 127.0.0.1.
    let app = spawn_app().await;
    let register = |i: usize, xff: &'static str| {
        let client = app.api().client;
        let url = app.url("/api/v1/users");
        async move {
            client
                .post(url)
                .header("X-Forwarded-For", xff)
                .json(&json!({"email": format!("r{i}@example.jp"), "display_name": "R", "password": PASSWORD}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    for i in 0..20 {
        assert_eq!(register(i, "203.0.113.1").await, 201);
    }
    assert_eq!(
        register(20, "203.0.113.99").await,
        429,
        "a forged header does not escape the limit"
    );

    // Behind a trusted proxy, each forwarded client has its own bucket.
    let proxied = spawn_app_with(TestOptions {
        pairs: vec![("IDEABOX_TRUSTED_PROXIES", "127.0.0.1/32".into())],
        ..Default::default()
    })
    .await;
    let client = proxied.api().client;
    let post = |i: usize, xff: &str| {
        client
            .post(proxied.url("/api/v1/users"))
            .header("X-Forwarded-For", xff.to_owned())
            .json(&json!({"email": format!("p{i}@example.jp"), "display_name": "P", "password": PASSWORD}))
            .send()
    };
    for i in 0..20 {
        assert_eq!(post(i, "198.51.100.1").await.unwrap().status(), 201);
    }
    assert_eq!(post(20, "198.51.100.1").await.unwrap().status(), 429);
    assert_eq!(post(21, "198.51.100.2").await.unwrap().status(), 201);
}

#[tokio::test]
async fn reset_requests_are_limited_per_address_without_revealing_accounts() {
    let app = spawn_app().await;
    let browser = app.browser();
    for _ in 0..5 {
        let res = browser
            .submit(
                "/password/forgot",
                "/password/forgot",
                &[("email", "whoever@example.jp")],
            )
            .await;
        assert_eq!(res.status(), 303);
    }
    let res = browser
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "whoever@example.jp")],
        )
        .await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn token_creation_is_limited() {
    let app = spawn_app().await;
    app.create_user("tokens@example.jp", "T", Role::Citizen, true)
        .await;
    let api = app.api();
    let mut last = 0;
    for _ in 0..21 {
        last = api
            .post(
                "/api/v1/tokens",
                &json!({"email": "tokens@example.jp", "password": PASSWORD}),
                None,
            )
            .await
            .0;
    }
    assert_eq!(last, 429, "20 tokens an hour per account");
}
