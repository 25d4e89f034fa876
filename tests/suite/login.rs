//! Logging in and out, and the life of a server-side session.

use ideabox::domain::role::Role;

use crate::support::*;

#[tokio::test]
async fn login_sets_a_strict_session_cookie_and_opens_the_account() {
    let app = spawn_app().await;
    app.create_user("aiko@example.jp", "Aiko", Role::Citizen, true)
        .await;
    let browser = app.browser();
    let res = browser.login("aiko@example.jp", PASSWORD).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/");
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("ideabox_session="))
        .expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http in tests");
    let value = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("ideabox_session=");
    assert!(value.len() >= 43, "256-bit token");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM sessions WHERE token_hash = '{value}'"
        )),
        0,
        "stored hashed"
    );

    let (status, body) = browser.page("/account").await;
    assert_eq!(status, 200);
    assert!(body.contains("aiko@example.jp"));
    assert_eq!(
        res.headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap()),
        Some("no-store")
    );
}

#[tokio::test]
async fn wrong_password_and_unknown_account_get_the_same_answer() {
    let app = spawn_app().await;
    app.create_user("real@example.jp", "Real", Role::Citizen, true)
        .await;
    let browser = app.browser();
    let wrong = browser
        .login("real@example.jp", "not the right password")
        .await;
    let unknown = browser
        .login("ghost@example.jp", "not the right password")
        .await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(unknown.status(), 422);
    let (a, b) = (wrong.text().await.unwrap(), unknown.text().await.unwrap());
    assert_eq!(
        normalise(&a).replace("real@example.jp", "X"),
        normalise(&b).replace("ghost@example.jp", "X")
    );
    assert!(!browser.is_signed_in().await);

    let api = app.api();
    let a = api
        .post(
            "/api/v1/tokens",
            &serde_json::json!({"email": "real@example.jp", "password": "nope nope nope"}),
            None,
        )
        .await;
    let b = api
        .post(
            "/api/v1/tokens",
            &serde_json::json!({"email": "ghost@example.jp", "password": "nope nope nope"}),
            None,
        )
        .await;
    assert_eq!((a.0, b.0), (401, 401));
    assert_eq!(a.2["detail"], b.2["detail"]);
}

#[tokio::test]
async fn unknown_accounts_cost_as_much_time_as_known_ones() {
    let app = spawn_app().await;
    app.create_user("timing@example.jp", "T", Role::Citizen, true)
        .await;
    let api = app.api();
    let attempt = |email: &'static str| {
        let api = &api;
        async move {
            let start = std::time::Instant::now();
            api.post(
                "/api/v1/tokens",
                &serde_json::json!({"email": email, "password": "wrong wrong wrong"}),
                None,
            )
            .await;
            start.elapsed().as_secs_f64()
        }
    };
    // Interleaved attempts, compared by their fastest: a busy machine slows some attempts
    // down but never speeds one up, so the minimum is each path's real cost.
    let (mut known, mut unknown) = (f64::MAX, f64::MAX);
    for _ in 0..4 {
        known = known.min(attempt("timing@example.jp").await);
        unknown = unknown.min(attempt("nobody-here@example.jp").await);
    }
    // Both run one Argon2 verification per attempt; without the dummy hash the unknown
    // address would answer in a fraction of the time.
    assert!(
        unknown > known * 0.5,
        "known {known:.3}s, unknown {unknown:.3}s"
    );
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server_so_a_replayed_cookie_is_useless() {
    let app = spawn_app().await;
    let browser = app.signed_in("leaver@example.jp", Role::Citizen).await;
    let stolen = browser.cookie("ideabox_session").expect("cookie");
    let res = browser.logout().await;
    assert_eq!(res.status(), 303);
    assert!(!browser.is_signed_in().await);

    let attacker = app.browser();
    let res = attacker
        .get_with(
            "/account",
            &[("Cookie", &format!("ideabox_session={stolen}"))],
        )
        .await;
    assert_eq!(res.status(), 303, "replayed cookie after logout");
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions"), 0);
}

#[tokio::test]
async fn each_login_gets_a_new_token_and_ends_the_browsers_previous_session() {
    let app = spawn_app().await;
    app.create_user("fix@example.jp", "Fix", Role::Citizen, true)
        .await;
    let browser = app.browser();
    browser.login("fix@example.jp", PASSWORD).await;
    let first = browser.cookie("ideabox_session").unwrap();
    browser.login("fix@example.jp", PASSWORD).await;
    let second = browser.cookie("ideabox_session").unwrap();
    assert_ne!(first, second);
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions"), 1);
}

#[tokio::test]
async fn a_planted_session_cookie_is_ignored_and_replaced() {
    let app = spawn_app().await;
    app.create_user("victim@example.jp", "V", Role::Citizen, true)
        .await;
    let browser = app.browser();
    let planted = "attacker-chosen-value-attacker-chosen-value-123";
    let res = browser
        .get_with("/", &[("Cookie", &format!("ideabox_session={planted}"))])
        .await;
    // An unknown session cookie is cleared.
    let cleared = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap().starts_with("ideabox_session=;"));
    assert!(cleared);
    browser.login("victim@example.jp", PASSWORD).await;
    assert_ne!(browser.cookie("ideabox_session").unwrap(), planted);
}

#[tokio::test]
async fn idle_and_old_sessions_expire() {
    let app = spawn_app().await;
    let idle = app.signed_in("idle@example.jp", Role::Citizen).await;
    app.execute_sql(&format!(
        "UPDATE sessions SET last_seen_at = '{}'",
        hours_ago(13)
    ));
    assert!(!idle.is_signed_in().await, "12 hours idle by default");

    let old = app.signed_in("old@example.jp", Role::Citizen).await;
    app.execute_sql(&format!(
        "UPDATE sessions SET expires_at = '{}'",
        hours_ago(0)
    ));
    assert!(!old.is_signed_in().await, "absolute expiry");
}

#[tokio::test]
async fn activity_keeps_a_session_alive_without_making_pages_stale() {
    let app = spawn_app().await;
    let reader = app.signed_in("reader@example.jp", Role::Citizen).await;
    app.execute_sql(&format!(
        "UPDATE sessions SET last_seen_at = '{}'",
        hours_ago(11)
    ));
    let recent = format!(
        "SELECT COUNT(*) FROM sessions WHERE last_seen_at > '{}'",
        hours_ago(1)
    );
    assert_eq!(app.count(&recent), 0);
    let generation = app.state.db.generation().current();
    assert!(reader.is_signed_in().await);
    // Recorded in the background: the page did not wait for it.
    let mut recorded = false;
    for _ in 0..100 {
        if app.count(&recent) == 1 {
            recorded = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(recorded, "the visit moved the idle timeout");
    assert_eq!(
        app.state.db.generation().current(),
        generation,
        "recording a visit changes nothing a page shows, so shared pages stay"
    );
    // Twelve hours after that visit, not after the sign-in, the session idles out.
    app.execute_sql(&format!(
        "UPDATE sessions SET last_seen_at = '{}'",
        hours_ago(13)
    ));
    assert!(!reader.is_signed_in().await);
}

#[tokio::test]
async fn login_redirects_only_to_local_pages() {
    let app = spawn_app().await;
    app.create_user("next@example.jp", "N", Role::Citizen, true)
        .await;
    let browser = app.browser();
    let res = browser
        .submit(
            "/login",
            "/login",
            &[
                ("email", "next@example.jp"),
                ("password", PASSWORD),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(res.headers()["location"], "/account");
    let res = browser
        .submit(
            "/login",
            "/login",
            &[
                ("email", "next@example.jp"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(res.headers()["location"], "/");
}

#[tokio::test]
async fn pages_that_need_a_login_send_people_to_it_and_back() {
    let app = spawn_app().await;
    let res = app.browser().get("/account").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/login?next=%2Faccount");
}

#[tokio::test]
async fn deleted_or_demoted_accounts_lose_their_sessions_at_once() {
    let app = spawn_app().await;
    let moderator = app.signed_in("mod@example.jp", Role::Moderator).await;
    let st = app.state.clone();
    let id = ideabox::services::users_admin::find_by_email(&st, "mod@example.jp")
        .await
        .unwrap()
        .unwrap()
        .id();
    tokio::task::spawn_blocking(move || {
        ideabox::services::users_admin::set_role_sync(&st, None, id, Role::Citizen)
    })
    .await
    .unwrap()
    .unwrap();
    assert!(
        !moderator.is_signed_in().await,
        "a role change ends the sessions"
    );
}
