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
    clear_of_limit_window_edge().await;
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

/// The `Set-Cookie` header for `name` in a response.
fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with(&format!("{name}=")))
}

#[tokio::test]
async fn an_attackers_burst_is_throttled_while_the_owner_on_a_known_browser_gets_in() {
    clear_of_limit_window_edge().await;
    let app = spawn_app().await;
    app.create_user("owner@example.jp", "O", Role::Citizen, true)
        .await;
    app.create_user("mallory@example.jp", "M", Role::Citizen, true)
        .await;

    // The owner signed in on this browser before: it becomes a known device of the account.
    let owner = app.browser();
    let res = owner.login("owner@example.jp", PASSWORD).await;
    assert_eq!(res.status(), 303);
    let cookie = set_cookie(&res, "ideabox_device").expect("known-device cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("Path=/") && cookie.contains("Max-Age="),
        "{cookie}"
    );
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("ideabox_device=");
    assert!(token.len() >= 43, "256-bit token");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM known_devices WHERE token_hash = '{token}'"
        )),
        0,
        "stored hashed"
    );
    owner.logout().await;

    // The attacker's browser is a known device of the attacker's own account, which is no
    // help against someone else's; a made-up cookie is no help either.
    let attacker = app.browser();
    assert_eq!(
        attacker
            .login("mallory@example.jp", PASSWORD)
            .await
            .status(),
        303
    );
    attacker.logout().await;
    let forger = app.browser();
    forger.jar.add_cookie_str(
        &format!("ideabox_device={}", "A".repeat(43)),
        &app.url("/").parse().unwrap(),
    );
    for i in 0..10 {
        let who = if i % 2 == 0 { &attacker } else { &forger };
        assert_eq!(fail_login(who, "owner@example.jp").await, 422);
    }
    for who in [&attacker, &forger, &app.browser()] {
        let res = who.login("owner@example.jp", PASSWORD).await;
        assert_eq!(
            res.status(),
            429,
            "unknown sources wait, even with the right password"
        );
        assert!(res.headers().contains_key("retry-after"));
    }

    // The owner's browser is not held back by failures made elsewhere.
    let res = owner.login("owner@example.jp", PASSWORD).await;
    assert_eq!(res.status(), 303, "the owner gets in during the attack");
    assert!(owner.is_signed_in().await);
    // Their signing in gives the attacker no fresh guesses.
    assert_eq!(
        attacker.login("owner@example.jp", PASSWORD).await.status(),
        429
    );
    owner.logout().await;

    // A known browser has its own allowance, as strict as an account's.
    for _ in 0..10 {
        assert_eq!(fail_login(&owner, "owner@example.jp").await, 422);
    }
    assert_eq!(
        owner.login("owner@example.jp", PASSWORD).await.status(),
        429
    );
}

/// The new password `reset_password` sets.
const RESET_PASSWORD: &str = "my fresh passphrase 99";

/// Asks for a reset link for `email` and sets `RESET_PASSWORD` with it, in `browser`.
async fn reset_password(app: &crate::support::TestApp, browser: &Browser, email: &str) {
    let (link, token) = app.password_reset_link(browser, email).await;
    let res = browser
        .submit(
            &link,
            "/password/reset",
            &[("token", &token), ("password", RESET_PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 303, "the reset is taken");
}

#[tokio::test]
async fn a_password_reset_forgets_known_browsers() {
    clear_of_limit_window_edge().await;
    let app = spawn_app().await;
    app.create_user("forget@example.jp", "F", Role::Citizen, true)
        .await;
    let browser = app.browser();
    assert_eq!(
        browser.login("forget@example.jp", PASSWORD).await.status(),
        303
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM known_devices"), 1);
    browser.logout().await;
    reset_password(&app, &browser, "forget@example.jp").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM known_devices"), 0);
}

#[tokio::test]
async fn a_password_reset_lifts_a_login_lock() {
    clear_of_limit_window_edge().await;
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
    reset_password(&app, &browser, "locked@example.jp").await;
    assert_eq!(
        browser
            .login("locked@example.jp", RESET_PASSWORD)
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn limits_hold_across_instances_sharing_the_database() {
    clear_of_limit_window_edge().await;
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
    clear_of_limit_window_edge().await;
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
    clear_of_limit_window_edge().await;
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
    clear_of_limit_window_edge().await;
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

/// Sends one failed login per email at once, spread over `instances` in turn, each from a
/// browser of its own; answers how many were evaluated (422) and how many refused (429).
async fn failed_login_burst(instances: &[&TestApp], emails: &[String]) -> (usize, usize) {
    let answers = futures_util::future::join_all(emails.iter().enumerate().map(|(i, email)| {
        let browser = instances[i % instances.len()].browser();
        async move { fail_login(&browser, email).await }
    }))
    .await;
    let evaluated = answers.iter().filter(|&&s| s == 422).count();
    let refused = answers.iter().filter(|&&s| s == 429).count();
    assert_eq!(evaluated + refused, answers.len(), "{answers:?}");
    (evaluated, refused)
}

async fn second_instance(first: &TestApp) -> TestApp {
    spawn_app_with(TestOptions {
        database_url: Some(first.database_url.clone()),
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn a_burst_of_failed_logins_for_one_account_is_evaluated_ten_times_on_one_instance_or_two() {
    clear_of_limit_window_edge().await;
    let a = spawn_app().await;
    let b = second_instance(&a).await;
    for (round, instances) in [vec![&a], vec![&a, &b]].into_iter().enumerate() {
        let email = format!("burst{round}@example.jp");
        a.create_user(&email, "B", Role::Citizen, true).await;
        let burst = vec![email.clone(); 40];
        assert_eq!(
            failed_login_burst(&instances, &burst).await,
            (10, 30),
            "over {} instance(s): the limit of 10 counts before the password is checked",
            instances.len()
        );
        for instance in &instances {
            assert_eq!(
                instance.browser().login(&email, PASSWORD).await.status(),
                429
            );
        }
    }
}

#[tokio::test]
async fn a_burst_of_failed_logins_from_one_address_is_evaluated_fifty_times_on_one_instance_or_two()
{
    clear_of_limit_window_edge().await;
    let a = spawn_app().await;
    let b = second_instance(&a).await;
    for (round, instances) in [vec![&a], vec![&a, &b]].into_iter().enumerate() {
        // Unknown addresses, ten tries each: no account limit is reached, only the address's.
        let burst: Vec<String> = (0..60)
            .map(|i| format!("nobody{round}-{}@example.jp", i % 6))
            .collect();
        assert_eq!(
            failed_login_burst(&instances, &burst).await,
            (50, 10),
            "over {} instance(s)",
            instances.len()
        );
        // The next round starts from nothing, as in a new window.
        a.execute_sql("DELETE FROM rate_limit_counters");
    }
}

#[tokio::test]
async fn a_right_password_gives_its_reserved_failure_back() {
    clear_of_limit_window_edge().await;
    let app = spawn_app().await;
    app.create_user("owner@example.jp", "O", Role::Citizen, true)
        .await;
    for _ in 0..9 {
        assert_eq!(fail_login(&app.browser(), "owner@example.jp").await, 422);
    }
    // A right password is no failure: it gives back what it reserved of the address's count.
    assert_eq!(
        app.browser()
            .login("owner@example.jp", PASSWORD)
            .await
            .status(),
        303
    );
    assert_eq!(
        app.count("SELECT COALESCE(SUM(hits), 0) FROM rate_limit_counters WHERE name = 'login-ip'"),
        9
    );
    assert_eq!(
        app.count(
            "SELECT COALESCE(SUM(hits), 0) FROM rate_limit_counters WHERE name = 'login-account'"
        ),
        0,
        "success forgives the account's failures"
    );
}

#[tokio::test]
async fn the_vote_limit_holds_for_bursts_over_two_instances_and_after_a_restart() {
    clear_of_limit_window_edge().await;
    const LIMIT: usize = 600;
    let a = spawn_app().await;
    let b = second_instance(&a).await;
    let c = fixtures::open_consultation(&a).await;
    let author = fixtures::citizen(&a, "author@example.jp").await;
    let voter = fixtures::citizen(&a, "voter@example.jp").await;
    let idea = fixtures::post_idea(&a, &author, &c.slug, "投票の上限", "本文です。").await["id"]
        .as_i64()
        .unwrap();
    let mut accepted = 0;
    let mut refused = 0;
    // Bursts of 50 at once, alternately to each instance, 650 votes in all.
    for burst in 0..13 {
        let answers = futures_util::future::join_all((0..50).map(|i| {
            let app = if i % 2 == 0 { &a } else { &b };
            let value = if (burst + i) % 2 == 0 {
                "support"
            } else {
                "oppose"
            };
            let voter = voter.clone();
            async move { fixtures::put_vote(app, &voter, idea, value).await.0 }
        }))
        .await;
        accepted += answers.iter().filter(|&&s| s == 200).count();
        refused += answers.iter().filter(|&&s| s == 429).count();
    }
    assert_eq!((accepted, refused), (LIMIT, 650 - LIMIT));
    let restarted = second_instance(&a).await;
    let (status, body) = fixtures::put_vote(&restarted, &voter, idea, "support").await;
    assert_eq!(status, 429, "{body}");
    // The idea's counters match its votes: refused votes changed nothing.
    assert_eq!(
        a.count(&format!(
            "SELECT support_count + oppose_count FROM ideas WHERE id = {idea}"
        )),
        a.count(&format!(
            "SELECT COUNT(*) FROM votes WHERE idea_id = {idea}"
        ))
    );
}
