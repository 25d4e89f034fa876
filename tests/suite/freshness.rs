//! The freshness rules of docs/architecture.md ("Freshness"), one test per statement: what a
//! reader sees after a write on the same instance and on another instance, which writes leave
//! kept values alone, and how slow totals are shown.

use std::time::{Duration, Instant};

use ideabox::cache::FRESHNESS;
use ideabox::domain::role::Role;
use serde_json::json;

use crate::support::fixtures::{citizen, open_consultation, post_idea, put_vote};
use crate::support::{Browser, PASSWORD, TestOptions, spawn_app, spawn_app_with};

async fn support_count(app: &crate::support::TestApp, idea: i64) -> i64 {
    let (status, _, body) = app.api().get(&format!("/api/v1/ideas/{idea}"), None).await;
    assert_eq!(status, 200, "{body}");
    body["support_count"].as_i64().expect("support_count")
}

#[tokio::test]
async fn a_seen_write_shows_on_the_very_next_read_of_the_same_instance() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let author = citizen(&app, "author@example.jp").await;
    let idea = post_idea(
        &app,
        &author,
        &c.slug,
        "窓口の予約",
        "オンラインで予約したい。",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    for n in 1..=5 {
        // The anonymous answer is kept between reads; each vote must show at once anyway.
        assert_eq!(support_count(&app, idea).await, n - 1);
        let voter = citizen(&app, &format!("voter{n}@example.jp")).await;
        assert_eq!(put_vote(&app, &voter, idea, "support").await.0, 200);
        assert_eq!(
            support_count(&app, idea).await,
            n,
            "vote {n} shows on the next read"
        );
    }
}

#[tokio::test]
async fn another_instance_shows_a_write_within_the_freshness_bound() {
    let a = spawn_app().await;
    let b = spawn_app_with(TestOptions {
        database_url: Some(a.database_url.clone()),
        ..TestOptions::default()
    })
    .await;
    let c = open_consultation(&a).await;
    let author = citizen(&a, "author@example.jp").await;
    let idea = post_idea(
        &a,
        &author,
        &c.slug,
        "窓口の予約",
        "オンラインで予約したい。",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let mut slowest = Duration::ZERO;
    for n in 1..=3 {
        // B keeps its answer; A's write does not advance B's generation.
        assert_eq!(support_count(&b, idea).await, n - 1);
        let voter = citizen(&a, &format!("voter{n}@example.jp")).await;
        assert_eq!(put_vote(&a, &voter, idea, "support").await.0, 200);
        let acknowledged = Instant::now();
        while support_count(&b, idea).await != n {
            assert!(
                acknowledged.elapsed() < FRESHNESS + Duration::from_millis(500),
                "B still shows {} votes {:?} after A acknowledged vote {n}",
                n - 1,
                acknowledged.elapsed()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        slowest = slowest.max(acknowledged.elapsed());
    }
    assert!(
        slowest <= FRESHNESS + Duration::from_millis(500),
        "{slowest:?}"
    );
}

#[tokio::test]
async fn bookkeeping_writes_leave_kept_values_fresh() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let token = citizen(&app, "reader@example.jp").await;
    app.create_user("other@example.jp", "Other", Role::Citizen, true)
        .await;
    // A registration queues a confirmation mail (a seen write: a new account); its delivery
    // by the worker, a failed login (rate-limit counters) and token use are bookkeeping.
    let browser = app.browser();
    let (status, _, _) = app
        .api()
        .post(
            "/api/v1/users",
            &json!({"email": "new@example.jp", "display_name": "New", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(status, 201);
    // Token use is recorded at most once a minute: make the last use old.
    app.execute_sql("UPDATE api_tokens SET last_used_at = NULL");
    let generation = app.state.db.generation().current();
    app.wait_for_emails("new@example.jp", 1).await;
    let res = browser
        .login("other@example.jp", "not the password at all")
        .await;
    assert_eq!(res.status(), 422, "the form again, with its error");
    let (status, _, _) = app
        .api()
        .get(&format!("/api/v1/consultations/{}", c.slug), Some(&token))
        .await;
    assert_eq!(status, 200);
    // The token's use is recorded after the answer; give it a moment.
    for _ in 0..50 {
        if app.count("SELECT COUNT(*) FROM api_tokens WHERE last_used_at IS NOT NULL") == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM api_tokens WHERE last_used_at IS NOT NULL"),
        1
    );
    assert_eq!(
        app.state.db.generation().current(),
        generation,
        "mail delivery, rate-limit counters and token use change nothing a reader is shown"
    );
}

#[tokio::test]
async fn slow_totals_are_shown_as_approximate_while_they_are_recounted() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let browser = app.browser();
    let (status, page) = browser.page(&format!("/c/{}", c.slug)).await;
    assert_eq!(status, 200);
    assert!(
        !page.contains("counts-approximate"),
        "quick totals are exact"
    );
    let id = app.count(&format!(
        "SELECT id FROM consultations WHERE slug = '{}'",
        c.slug
    ));
    // Pretend the last count took two seconds and found 7 ideas; a write makes it stale.
    let counts = app.state.counts.clone();
    let last = ideabox::services::consultation_counts::ConsultationCounts {
        ideas: 7,
        votes: 0,
        by_section: Vec::new(),
        by_tag: Vec::new(),
    };
    counts.remember_last(id, last, Duration::from_secs(2));
    app.state.db.note_external_write();
    let (status, page) = browser.page(&format!("/c/{}", c.slug)).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("counts-approximate"),
        "the page says its totals may lag"
    );
    assert!(
        page.contains('7'),
        "the last totals are shown, not waited for"
    );
}

/// A copy of the browser's cookies, as they are now, talking to another instance: what an
/// attacker holding a copied cookie sends, whatever the first browser is told to forget.
fn copy_of_browser_on(app: &crate::support::TestApp, browser: &Browser) -> Browser {
    let copy = Browser::new(&app.address);
    let url = reqwest::Url::parse(&app.address).expect("address");
    for name in ["ideabox_session", "ideabox_csrf", "ideabox_device"] {
        if let Some(value) = browser.cookie(name) {
            copy.jar
                .add_cookie_str(&format!("{name}={value}; Path=/"), &url);
        }
    }
    copy
}

/// Another browser of the same person, signed in on `app`: an ending made from it leaves it
/// its own (fresh) session.
async fn another_browser_of(app: &crate::support::TestApp, email: &str) -> Browser {
    let other = app.browser();
    assert_eq!(other.login(email, PASSWORD).await.status(), 303);
    other
}

/// Ends access on instance A in one of the ways that end it, then at once reads and votes
/// with the old cookie on instance B, which had the session kept: the vote is refused, and
/// when the session itself ended, so is the read.
async fn ended_on_one_instance_is_refused_on_the_other(
    ending: &str,
    session_ends: bool,
    end: impl AsyncFn(&crate::support::TestApp, &Browser, &str),
) {
    let a = spawn_app().await;
    let b = spawn_app_with(TestOptions {
        database_url: Some(a.database_url.clone()),
        ..TestOptions::default()
    })
    .await;
    let c = open_consultation(&a).await;
    let author = citizen(&a, "author@example.jp").await;
    let idea = post_idea(&a, &author, &c.slug, "窓口", "予約したい。").await["id"]
        .as_i64()
        .unwrap();
    let idea_page = format!("/ideas/{idea}");
    for trial in 0..3 {
        let email = format!("person{trial}@example.jp");
        let on_a = a.signed_in(&email, Role::Citizen).await;
        let on_b = copy_of_browser_on(&b, &on_a);
        // B keeps the session: this read and the CSRF token come from it.
        assert!(on_b.is_signed_in().await);
        let csrf = on_b.csrf_token(&idea_page).await;
        end(&a, &on_a, &email).await;
        if session_ends {
            assert!(
                !on_b.is_signed_in().await,
                "{ending}: B served the old cookie right after A acknowledged (trial {trial})"
            );
        }
        let vote = on_b
            .post_form_raw(
                &format!("/ideas/{idea}/vote"),
                &[("csrf_token", &csrf), ("value", "support")],
            )
            .await;
        assert_ne!(vote.status(), 303, "{ending}: the vote was taken");
        assert_eq!(
            a.count(&format!(
                "SELECT COUNT(*) FROM votes v JOIN users u ON u.id = v.user_id \
                 WHERE u.email = '{email}'"
            )),
            0,
            "{ending}: a vote with the ended session was stored (trial {trial})"
        );
    }
}

#[tokio::test]
async fn a_sign_out_on_one_instance_is_refused_at_once_on_another() {
    ended_on_one_instance_is_refused_on_the_other("sign-out", true, async |_, browser, _| {
        assert_eq!(browser.logout().await.status(), 303);
    })
    .await;
}

#[tokio::test]
async fn ending_all_sessions_on_one_instance_is_refused_at_once_on_another() {
    ended_on_one_instance_is_refused_on_the_other(
        "end all sessions",
        true,
        async |app, _, email| {
            let res = another_browser_of(app, email)
                .await
                .submit("/account", "/account/sessions/end-all", &[])
                .await;
            assert_eq!(res.status(), 303);
        },
    )
    .await;
}

#[tokio::test]
async fn a_password_change_on_one_instance_is_refused_at_once_on_another() {
    ended_on_one_instance_is_refused_on_the_other(
        "password change",
        true,
        async |app, _, email| {
            let res = another_browser_of(app, email)
                .await
                .submit(
                    "/account",
                    "/account/password",
                    &[
                        ("current_password", PASSWORD),
                        ("new_password", "a new passphrase for freshness"),
                    ],
                )
                .await;
            assert_eq!(res.status(), 303);
        },
    )
    .await;
}

#[tokio::test]
async fn a_suspension_on_one_instance_is_refused_at_once_on_another() {
    ended_on_one_instance_is_refused_on_the_other("suspension", false, async |app, _, email| {
        let id = app.count(&format!("SELECT id FROM users WHERE email = '{email}'"));
        let admin = app.api().token("fixture-admin@example.jp").await;
        let (status, _, body) = app
            .api()
            .post(
                &format!("/api/v1/users/{id}/suspension"),
                &json!({"ban": true, "reason": "other"}),
                Some(&admin),
            )
            .await;
        assert!(status < 300, "{status} {body}");
    })
    .await;
}

#[tokio::test]
async fn a_role_change_on_one_instance_is_refused_at_once_on_another() {
    ended_on_one_instance_is_refused_on_the_other("role change", true, async |app, _, email| {
        let id = app.count(&format!("SELECT id FROM users WHERE email = '{email}'"));
        let admin_email = "role-admin@example.jp";
        if app.count(&format!(
            "SELECT COUNT(*) FROM users WHERE email = '{admin_email}'"
        )) == 0
        {
            app.create_user(admin_email, "Admin", Role::Admin, true)
                .await;
        }
        let admin = app.browser();
        assert_eq!(admin.login(admin_email, PASSWORD).await.status(), 303);
        let res = admin
            .submit(
                "/admin/users",
                &format!("/admin/users/{id}/role"),
                &[("role", "moderator")],
            )
            .await;
        assert_eq!(res.status(), 303);
    })
    .await;
}
