//! The running application against generated requests: search and similar-ideas queries
//! never cause a 5xx; malformed forms and JSON bodies get a clean 4xx (never a 5xx, never a
//! dropped connection), and the server is still up afterwards.

use std::future::Future;

use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde_json::json;

use super::{query_text, slow_config};
use crate::support::fixtures::{citizen, open_consultation, post_idea};
use crate::support::*;

/// HTTP cases are slower than pure ones: a tenth of `PROPTEST_CASES`, at least `default`.
fn http_config(default: u32) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        failure_persistence: None,
        ..slow_config(default)
    }
}

/// A multi-threaded runtime that keeps the application serving between cases.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// Runs `check` on generated values (shrinking on failure), on the runtime.
fn run<S, F, Fut>(rt: &tokio::runtime::Runtime, default_cases: u32, strategy: S, check: F)
where
    S: Strategy,
    S::Value: Clone + std::fmt::Debug,
    F: Fn(S::Value) -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    let mut runner = TestRunner::new(http_config(default_cases));
    runner
        .run(&strategy, |value| {
            rt.block_on(check(value)).map_err(TestCaseError::fail)
        })
        .unwrap_or_else(|e| panic!("{} backend: {e}", backend_name()));
}

async fn alive(app: &TestApp) {
    let res = app
        .api()
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("server still answers");
    assert_eq!(res.status(), 200, "server still healthy");
}

/// Sends a request and returns its status, or an error if there was no answer.
async fn status_of(req: reqwest::RequestBuilder, what: &str) -> Result<u16, String> {
    let res = req
        .send()
        .await
        .map_err(|e| format!("{what}: no answer: {e}"))?;
    let status = res.status().as_u16();
    let body = res
        .text()
        .await
        .map_err(|e| format!("{what}: body cut: {e}"))?;
    if status >= 500 {
        return Err(format!(
            "{what}: {status}\n{}",
            body.chars().take(500).collect::<String>()
        ));
    }
    Ok(status)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

// ---------------------------------------------------------------------------------------
// Search

/// A whole query string, sometimes with bytes that are not UTF-8 or broken escapes.
fn raw_query() -> BoxedStrategy<String> {
    let pair = (
        prop::sample::select(&["q", "text", "type", "limit", "cursor", "consultation", "q", "x"][..]),
        prop_oneof![
            3 => query_text().prop_map(|v| url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()),
            1 => prop::collection::vec(any::<u8>(), 0..16)
                .prop_map(|b| url::form_urlencoded::byte_serialize(&b).collect::<String>()),
            1 => prop::sample::select(&["%", "%G1", "%FF%FE", "%C0%AF", "%ED%A0%80", "%00", "+", "&&", "=", "%25%32%35"][..])
                .prop_map(str::to_owned),
        ],
    )
        .prop_map(|(k, v)| format!("{k}={v}"));
    prop::collection::vec(pair, 0..4)
        .prop_map(|p| p.join("&"))
        .boxed()
}

#[derive(Clone, Debug)]
struct SearchCase {
    q: String,
    kind: &'static str,
    limit: &'static str,
    raw: String,
}

fn search_case() -> impl Strategy<Value = SearchCase> {
    (
        query_text(),
        prop::sample::select(&["", "all", "ideas", "comments", "x"][..]),
        prop::sample::select(
            &[
                "",
                "1",
                "50",
                "0",
                "51",
                "-1",
                "1e2",
                "99999999999999999999",
            ][..],
        ),
        raw_query(),
    )
        .prop_map(|(q, kind, limit, raw)| SearchCase {
            q,
            kind,
            limit,
            raw,
        })
}

#[test]
fn generated_search_queries_never_cause_a_5xx() {
    let rt = runtime();
    let app = rt.block_on(async {
        let app = spawn_app().await;
        let consultation = open_consultation(&app).await;
        let token = citizen(&app, "fuzz-search@example.jp").await;
        let idea = post_idea(
            &app,
            &token,
            &consultation.slug,
            "行政のデジタル化を進める",
            "100% オンラインで、\"一度だけ\" 届け出る。a_b NEAR(x y) * AND -",
        )
        .await;
        let id = idea["id"].as_i64().expect("id");
        app.api()
            .post(
                &format!("/api/v1/ideas/{id}/comments"),
                &json!({"body": "デジタル化に賛成です。50% off"}),
                Some(&token),
            )
            .await;
        app
    });
    let http = client();
    run(&rt, 24, search_case(), |case| {
        let (app, http) = (&app, &http);
        async move {
            let mut pairs = vec![("q", case.q.as_str())];
            if !case.kind.is_empty() {
                pairs.push(("type", case.kind));
            }
            if !case.limit.is_empty() {
                pairs.push(("limit", case.limit));
            }
            for path in ["/search", "/api/v1/search"] {
                status_of(http.get(app.url(path)).query(&pairs), path).await?;
            }
            for path in ["/c/plan/ideas", "/api/v1/consultations/plan/ideas"] {
                status_of(
                    http.get(app.url(path)).query(&[("q", case.q.as_str())]),
                    path,
                )
                .await?;
            }
            status_of(
                http.get(app.url("/api/v1/consultations/plan/similar"))
                    .query(&[("text", case.q.as_str())]),
                "similar",
            )
            .await?;
            for path in [
                "/search",
                "/api/v1/search",
                "/api/v1/consultations/plan/similar",
                "/api/v1/consultations/plan/ideas",
                "/c/plan/ideas",
            ] {
                let url = format!("{}?{}", app.url(path), case.raw);
                status_of(http.get(&url), &url).await?;
            }
            Ok(())
        }
    });
    rt.block_on(alive(&app));
}

// ---------------------------------------------------------------------------------------
// JSON bodies

/// A JSON body that no route can accept: each holds at least one fault.
fn poisoned_json(fields: &'static [&'static str]) -> BoxedStrategy<Vec<u8>> {
    let text = any::<String>().prop_map(|s| s.chars().take(40).collect::<String>());
    let wrong = prop_oneof![
        Just("0".to_owned()),
        Just("-1".to_owned()),
        Just("1e999".to_owned()),
        Just("123456789012345678901234567890123456789".to_owned()),
        Just("-9223372036854775809".to_owned()),
        Just("true".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        Just("[\"a\"]".to_owned()),
        Just("{\"$gt\":\"\"}".to_owned()),
        (1usize..3000).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n))),
        (1usize..3000).prop_map(|n| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n))),
    ];
    let filler = prop::collection::vec((prop::sample::select(fields), text.clone()), 0..3)
        .prop_map(|kv| {
            kv.into_iter()
                .map(|(k, v)| format!("{}:{}", json!(k), json!(v)))
                .collect::<Vec<_>>()
        });
    let object = |mut parts: Vec<String>, extra: String| {
        parts.push(extra);
        format!("{{{}}}", parts.join(","))
    };
    prop_oneof![
        // A field of the wrong type.
        (filler.clone(), prop::sample::select(fields), wrong).prop_map(move |(f, k, v)| object(
            f,
            format!("{}:{v}", json!(k))
        )
        .into_bytes()),
        // A field given twice.
        (
            filler.clone(),
            prop::sample::select(fields),
            text.clone(),
            text.clone()
        )
            .prop_map(move |(f, k, a, b)| object(
                f,
                format!("{k:?}:{},{k:?}:{}", json!(a), json!(b))
            )
            .into_bytes()),
        // Cut short, or followed by junk.
        (filler.clone(), any::<prop::sample::Index>()).prop_map(move |(f, at)| {
            let whole = object(f, "\"x\":1".to_owned());
            let cut = at.index(whole.len());
            whole.as_bytes()[..cut].to_vec()
        }),
        (
            filler.clone(),
            prop::sample::select(&["}", "x", ",", "{}", "\u{0}"][..])
        )
            .prop_map(move |(f, junk)| format!(
                "{}{junk}",
                object(f, "\"x\":1".to_owned())
            )
            .into_bytes()),
        // Not an object at all.
        prop::sample::select(
            &[
                "1", "\"x\"", "null", "true", "", " ", "nul", "{", "}", "[1]"
            ][..]
        )
        .prop_map(|s| s.as_bytes().to_vec()),
        (1usize..100_000).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes()),
        // Strings that are not text.
        (
            prop::sample::select(fields),
            prop::collection::vec(any::<u8>(), 0..8)
        )
            .prop_map(|(k, more)| {
                let mut body = format!("{{{}:\"", json!(k)).into_bytes();
                // 0xFF never occurs in UTF-8.
                body.push(0xFF);
                body.extend(more);
                body.extend(b"\"}");
                body
            }),
        (
            prop::sample::select(fields),
            prop::sample::select(
                &["\\ud800", "\\udc00x", "\\x41", "\\u12", "\\", "\n", "\u{0}"][..]
            )
        )
            .prop_map(|(k, esc)| format!("{{{}:\"a{esc}\"}}", json!(k)).into_bytes()),
        // Random bytes.
        prop::collection::vec(any::<u8>(), 0..64).prop_map(|mut b| {
            b.insert(0, b'{');
            b.push(b'[');
            b
        }),
    ]
    .boxed()
}

#[derive(Clone, Debug)]
struct JsonCase {
    route: usize,
    body: Vec<u8>,
    content_type: &'static str,
}

/// (method, path, string fields of its body, whether `{}` is refused too).
const JSON_ROUTES: &[(&str, &str, &[&str], bool)] = &[
    (
        "POST",
        "/api/v1/users",
        &["email", "display_name", "password"],
        true,
    ),
    (
        "POST",
        "/api/v1/tokens",
        &["email", "password", "name"],
        true,
    ),
    (
        "POST",
        "/api/v1/consultations/plan/ideas",
        &["title", "body", "section"],
        true,
    ),
    (
        "PATCH",
        "/api/v1/ideas/{id}",
        &["title", "body", "section"],
        false,
    ),
    ("PUT", "/api/v1/ideas/{id}/vote", &["value"], true),
    ("POST", "/api/v1/ideas/{id}/comments", &["body"], true),
];

fn json_case() -> BoxedStrategy<JsonCase> {
    (0..JSON_ROUTES.len())
        .prop_flat_map(|route| {
            let (_, _, fields, empty_refused) = JSON_ROUTES[route];
            let body = if empty_refused {
                prop_oneof![
                    9 => poisoned_json(fields),
                    1 => prop::sample::select(&["{}", "{\"unrelated\":\"x\"}"][..])
                        .prop_map(|s| s.as_bytes().to_vec()),
                ]
                .boxed()
            } else {
                poisoned_json(fields)
            };
            let content_type = prop::sample::select(
                &[
                    "application/json",
                    "application/json",
                    "application/json; charset=utf-8",
                    "text/plain",
                    "application/x-www-form-urlencoded",
                    "",
                ][..],
            );
            (Just(route), body, content_type)
        })
        .prop_map(|(route, body, content_type)| JsonCase {
            route,
            body,
            content_type,
        })
        .boxed()
}

#[test]
fn malformed_json_bodies_get_a_clean_4xx() {
    let rt = runtime();
    let (app, token, idea) = rt.block_on(async {
        let app = spawn_app().await;
        let consultation = open_consultation(&app).await;
        let author = citizen(&app, "fuzz-json-author@example.jp").await;
        let idea = post_idea(
            &app,
            &author,
            &consultation.slug,
            "既存の意見",
            "本文です。",
        )
        .await;
        let id = idea["id"].as_i64().expect("id");
        let token = citizen(&app, "fuzz-json@example.jp").await;
        (app, token, id)
    });
    let http = client();
    run(&rt, 48, json_case(), |case| {
        let (app, http, token) = (&app, &http, token.as_str());
        async move {
            let (method, path, _, _) = JSON_ROUTES[case.route];
            let path = path.replace("{id}", &idea.to_string());
            let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
            let mut req = http
                .request(method, app.url(&path))
                .bearer_auth(token)
                .body(case.body.clone());
            if !case.content_type.is_empty() {
                req = req.header("content-type", case.content_type);
            }
            let what = format!("{path} {:?}", String::from_utf8_lossy(&case.body));
            let status = status_of(req, &what).await?;
            if !(400..500).contains(&status) {
                return Err(format!("{what}: {status}, expected a 4xx"));
            }
            Ok(())
        }
    });
    rt.block_on(alive(&app));
}

// ---------------------------------------------------------------------------------------
// Forms

/// A form body: random bytes, broken escapes, long values, or fields given twice.
fn form_body(fields: &'static [&'static str]) -> BoxedStrategy<(Vec<u8>, bool)> {
    let value = prop_oneof![
        any::<String>()
            .prop_map(|s| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>()),
        prop::collection::vec(any::<u8>(), 0..16)
            .prop_map(|b| url::form_urlencoded::byte_serialize(&b).collect::<String>()),
        prop::sample::select(&["%", "%G", "%FF", "%00", "+", "%2", "="][..])
            .prop_map(str::to_owned),
        (1usize..5000).prop_map(|n| "a".repeat(n)),
    ];
    let pair = (
        prop_oneof![
            prop::sample::select(fields),
            prop::sample::select(&["", "x", "%FF", "a[b]", "next"][..])
        ],
        value.clone(),
    )
        .prop_map(|(k, v)| format!("{k}={v}"));
    prop_oneof![
        // A known field twice: always refused.
        (
            prop::collection::vec(pair.clone(), 0..3),
            prop::sample::select(fields),
            value.clone(),
            value
        )
            .prop_map(|(mut p, k, a, b)| {
                p.push(format!("{k}={a}&{k}={b}"));
                (p.join("&").into_bytes(), true)
            }),
        prop::collection::vec(pair, 0..6).prop_map(|p| (p.join("&").into_bytes(), false)),
        prop::collection::vec(any::<u8>(), 0..128).prop_map(|b| (b, false)),
    ]
    .boxed()
}

#[derive(Clone, Debug)]
struct FormCase {
    route: usize,
    body: Vec<u8>,
    refused: bool,
    token_in: u8,
}

/// (path, whether it needs the signed-in browser, its fields).
const FORM_ROUTES: &[(&str, bool, &[&str])] = &[
    ("/login", false, &["email", "password"]),
    ("/register", false, &["email", "display_name", "password"]),
    ("/password/forgot", false, &["email"]),
    ("/password/reset", false, &["token", "password"]),
    ("/verify/resend", false, &["email"]),
    (
        "/c/plan/ideas/new",
        true,
        &["title", "body", "section", "action"],
    ),
    ("/account/name", true, &["display_name"]),
];

fn form_case() -> BoxedStrategy<FormCase> {
    (0..FORM_ROUTES.len())
        .prop_flat_map(|route| (Just(route), form_body(FORM_ROUTES[route].2), 0u8..3))
        .prop_map(|(route, (body, refused), token_in)| FormCase {
            route,
            body,
            refused,
            token_in,
        })
        .boxed()
}

#[test]
fn malformed_form_bodies_never_cause_a_5xx() {
    let rt = runtime();
    let (app, anonymous, signed_in, anon_token, user_token) = rt.block_on(async {
        let app = spawn_app().await;
        open_consultation(&app).await;
        let anonymous = app.browser();
        let anon_token = anonymous.csrf_token("/login").await;
        let signed_in = app
            .signed_in("fuzz-form@example.jp", ideabox::domain::role::Role::Citizen)
            .await;
        let user_token = signed_in.csrf_token("/c/plan/ideas/new").await;
        (app, anonymous, signed_in, anon_token, user_token)
    });
    run(&rt, 48, form_case(), |case| {
        let (app, anonymous, signed_in) = (&app, &anonymous, &signed_in);
        let (anon_token, user_token) = (anon_token.as_str(), user_token.as_str());
        async move {
            let (path, needs_user, _) = FORM_ROUTES[case.route];
            let (browser, token) = if needs_user {
                (signed_in, user_token)
            } else {
                (anonymous, anon_token)
            };
            let mut body = case.body.clone();
            let mut req = browser
                .client
                .post(app.url(path))
                .header("Origin", app.address.clone())
                .header("content-type", "application/x-www-form-urlencoded");
            match case.token_in {
                0 => req = req.header("x-csrf-token", token),
                1 => {
                    body.extend(format!("&csrf_token={token}").as_bytes());
                }
                _ => {
                    let mut first = format!("csrf_token={token}&").into_bytes();
                    first.extend(body);
                    body = first;
                }
            }
            let what = format!("{path} {:?}", String::from_utf8_lossy(&body));
            let status = status_of(req.body(body), &what).await?;
            if case.refused && !(400..500).contains(&status) {
                return Err(format!("{what}: {status}, expected a 4xx"));
            }
            Ok(())
        }
    });
    rt.block_on(alive(&app));
    // The session survived whatever was sent: the person is still signed in.
    assert!(rt.block_on(signed_in.is_signed_in()));
}
