//! Security headers, error pages in both formats, body limits, health, static files.

use crate::support::*;

fn assert_security_headers(headers: &reqwest::header::HeaderMap, what: &str) {
    let csp = headers
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no CSP"))
        .to_str()
        .unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{what}: {csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{what}");
    assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(headers["x-frame-options"], "DENY", "{what}");
    assert!(headers.contains_key("referrer-policy"), "{what}");
    assert!(headers.contains_key("permissions-policy"), "{what}");
    assert!(headers.contains_key("x-request-id"), "{what}");
    assert!(!headers.contains_key("server"), "{what}: server banner");
    assert!(
        !headers.contains_key("strict-transport-security"),
        "{what}: HSTS over plain http"
    );
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let browser = app.browser();
    for path in [
        "/",
        "/login",
        "/no-such-page",
        "/healthz",
        "/api/v1/me",
        "/api/v1/nothing",
    ] {
        let res = browser.get(path).await;
        assert_security_headers(res.headers(), path);
    }
    let (_, home) = browser.page("/").await;
    let css = home
        .split("href=\"")
        .find(|s| s.starts_with("/assets/css/"))
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let res = browser.get(&css).await;
    assert_eq!(res.status(), 200);
    assert_security_headers(res.headers(), "asset");
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}

#[tokio::test]
async fn https_deployments_send_hsts_and_secure_host_cookies() {
    let app = spawn_app_with(TestOptions {
        pairs: vec![("IDEABOX_BASE_URL", "https://ideas.example.jp".into())],
        ..Default::default()
    })
    .await;
    let res = app.browser().get("/login").await;
    assert!(
        res.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-ideabox_csrf="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("Path=/"),
        "{cookie}"
    );
}

#[tokio::test]
async fn unknown_pages_get_a_helpful_html_404_with_request_id() {
    let app = spawn_app().await;
    let res = app
        .browser()
        .get_with("/nowhere", &[("Accept-Language", "en")])
        .await;
    assert_eq!(res.status(), 404);
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let body = res.text().await.unwrap();
    assert!(body.contains("Page not found"), "{body}");
    assert!(body.contains(&id), "request id shown on the page");
    assert!(body.contains("<html lang=\"en\""));
}

#[tokio::test]
async fn api_errors_are_problem_json() {
    let app = spawn_app().await;
    let res = app.browser().get("/api/v1/nothing-here").await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], 404);
    assert!(
        body["title"].is_string() && body["detail"].is_string() && body["request_id"].is_string()
    );
}

#[tokio::test]
async fn wrong_methods_are_405_in_both_faces() {
    let app = spawn_app().await;
    let browser = app.browser();
    let res = browser.get("/logout").await;
    assert_eq!(res.status(), 405, "GET never logs out");
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let res = browser.get("/api/v1/users").await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = spawn_app().await;
    let browser = app.browser();
    let token = browser.csrf_token("/register").await;
    let huge = "x".repeat(300 * 1024);
    let res = browser
        .post_form_raw(
            "/register",
            &[
                ("csrf_token", &token),
                ("email", "a@example.jp"),
                ("display_name", &huge),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 413);
    let res = app
        .api()
        .client
        .post(app.url("/api/v1/users"))
        .header("content-type", "application/json")
        .body(format!("{{\"email\":\"{huge}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    assert_eq!(app.count("SELECT COUNT(*) FROM users"), 0);
}

#[tokio::test]
async fn malformed_json_is_a_400_problem() {
    let app = spawn_app().await;
    let res = app
        .api()
        .client
        .post(app.url("/api/v1/users"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn health_check_reports_the_database() {
    let app = spawn_app().await;
    let res = app.browser().get("/healthz").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let app = spawn_app().await;
    let res = app
        .browser()
        .get_with("/", &[("Accept-Encoding", "gzip")])
        .await;
    assert_eq!(res.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn unknown_query_parameters_are_rejected() {
    let app = spawn_app().await;
    let admin = app
        .signed_in("admin@example.jp", ideabox::domain::role::Role::Admin)
        .await;
    assert_eq!(admin.get("/admin/users?sort=evil").await.status(), 400);
    assert_eq!(admin.get("/admin/users?page=0").await.status(), 400);
    assert_eq!(admin.get("/admin/users?page=abc").await.status(), 400);
}

#[tokio::test]
async fn health_check_turns_503_when_the_database_is_gone() {
    // Only PostgreSQL can lose its database under a running app; the SQLite file stays open.
    let Some(admin_url) = postgres_admin_url() else {
        return;
    };
    let app = spawn_app().await;
    assert_eq!(app.browser().get("/healthz").await.status(), 200);
    let name = url::Url::parse(&app.database_url)
        .unwrap()
        .path()
        .trim_start_matches('/')
        .to_owned();
    let mut admin = <diesel::PgConnection as diesel::Connection>::establish(&admin_url).unwrap();
    diesel::connection::SimpleConnection::batch_execute(
        &mut admin,
        &format!("DROP DATABASE {name} WITH (FORCE)"),
    )
    .unwrap();
    let res = app.browser().get("/healthz").await;
    assert_eq!(res.status(), 503);
    assert!(res.headers().contains_key("retry-after"));
    // Writes fail cleanly too: never a 2xx.
    let (status, _, body) = app
        .api()
        .post("/api/v1/users", &serde_json::json!({"email": "x@example.jp", "display_name": "X", "password": PASSWORD}), None)
        .await;
    assert_eq!(status, 503, "{body}");
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_is_refused_with_408() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(TestOptions {
        pairs: vec![("IDEABOX_BODY_TIMEOUT_SECS", "1".to_owned())],
        ..Default::default()
    })
    .await;
    let address = app.url("").trim_start_matches("http://").to_owned();
    let api = "POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
               Content-Length: 200\r\n\r\n{\"email\":\"slow@example.jp\"";
    // A browser's form: same origin, with its CSRF cookie; the token would come in the body.
    let form = format!(
        "POST /register HTTP/1.1\r\nHost: x\r\nOrigin: http://{address}\r\n\
         Cookie: ideabox_csrf={}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: 200\r\n\r\nemail=slow%40example.jp",
        "t".repeat(43)
    );
    for (what, request) in [("JSON", api), ("form", form.as_str())] {
        let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
        socket.write_all(request.as_bytes()).await.unwrap();
        // The rest of the body never comes.
        let started = std::time::Instant::now();
        let mut answer = Vec::new();
        let read = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            socket.read_to_end(&mut answer),
        )
        .await;
        assert!(read.is_ok(), "{what}: answered and closed, not held open");
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 408"), "{what}: {answer}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{what}: cut at the deadline"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM users"), 0, "nothing stored");
    // A body that arrives in time is read as ever.
    let (status, _, _) = app
        .api()
        .post(
            "/api/v1/users",
            &serde_json::json!({"email": "quick@example.jp", "display_name": "Quick", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(status, 201);
}

/// Found by fuzzing: PostgreSQL refuses text holding a NUL character, and the login form
/// answered 500 there.
#[tokio::test]
async fn a_nul_character_in_any_text_is_a_400_not_a_500() {
    let app = spawn_app().await;
    let browser = app.browser();
    let res = browser
        .submit(
            "/login",
            "/login",
            &[("email", "a\0@example.jp"), ("password", PASSWORD)],
        )
        .await;
    assert!(res.status().is_client_error(), "login: {}", res.status());
    let (status, _, _) = app
        .api()
        .post(
            "/api/v1/users",
            &serde_json::json!({"email": "b\u{0}@example.jp", "display_name": "B\u{0}", "password": PASSWORD}),
            None,
        )
        .await;
    assert!((400..500).contains(&status), "registration: {status}");
    let res = browser.get("/search?q=%00%E4%BA%A4%E9%80%9A").await;
    assert!(res.status().as_u16() < 500, "search: {}", res.status());
    assert_eq!(app.count("SELECT COUNT(*) FROM users"), 0);
}
