//! The moderation pages, driven like a browser without JavaScript: reports from the idea
//! page, the queue and its action forms, merges, tags (one idea, many at once, the taxonomy),
//! people, pre-moderation and filters, the log and its CSV, and the public transparency page.
//! Every page route is also checked against every kind of caller: a refusal changes nothing.

use ideabox::domain::role::Role;
use serde_json::json;

use crate::support::fixtures::*;
use crate::support::*;

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The flash message a redirect carries (`key` or `key:count`).
fn flash(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("ideabox_flash="))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

async fn comment(app: &TestApp, token: &str, idea: i64, body: &str) -> i64 {
    let (status, _, json) = app
        .api()
        .post(
            &format!("/api/v1/ideas/{idea}/comments"),
            &json!({ "body": body }),
            Some(token),
        )
        .await;
    assert_eq!(status, 201, "{json}");
    json["id"].as_i64().expect("comment id")
}

async fn idea_id(app: &TestApp, token: &str, title: &str, body: &str) -> i64 {
    post_idea(app, token, "plan", title, body).await["id"]
        .as_i64()
        .expect("idea id")
}

async fn support_count(app: &TestApp, id: i64) -> i64 {
    let (status, _, json) = app.api().get(&format!("/api/v1/ideas/{id}"), None).await;
    assert_eq!(status, 200, "{json}");
    json["support_count"].as_i64().expect("count")
}

/// Every `name="page_ids" value="…"` of a list page: the ideas it shows.
fn page_ids(body: &str) -> Vec<String> {
    let marker = "name=\"page_ids\" value=\"";
    body.match_indices(marker)
        .map(|(at, _)| {
            let rest = &body[at + marker.len()..];
            rest[..rest.find('"').unwrap_or(0)].to_owned()
        })
        .collect()
}

/// A time tomorrow as a `datetime-local` field sends it, in the site's time zone.
fn tomorrow_local(app: &TestApp) -> String {
    (chrono::Utc::now() + chrono::Duration::days(1))
        .with_timezone(&app.state.settings.timezone)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The journey the moderation work is done when: a moderator works the queue, hides an
/// abusive comment with a reason (the public sees the tombstone), merges two duplicates
/// (someone who supported both counts once), tags thirty ideas in one action, suspends a
/// spammer and hides everything they posted, and the transparency page shows it all without
/// personal data.
#[tokio::test]
async fn a_moderator_works_the_queue_merges_tags_and_stops_a_spammer() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    let first = citizen(&app, "first@example.jp").await;
    let second = citizen(&app, "second@example.jp").await;
    let supporter = citizen(&app, "supporter@example.jp").await;
    let other = citizen(&app, "other@example.jp").await;
    let troll = citizen(&app, "troll@example.jp").await;
    let spammer = citizen(&app, "spammer@example.jp").await;
    let moderator = app.signed_in("mod@example.jp", Role::Moderator).await;

    let a = idea_id(&app, &first, "窓口の待ち時間をなくす", "予約制にしてほしい").await;
    let b = idea_id(&app, &second, "窓口の待ち時間を減らす", "オンライン予約を").await;
    put_vote(&app, &supporter, a, "support").await;
    put_vote(&app, &supporter, b, "support").await;
    put_vote(&app, &other, b, "support").await;
    let abusive = comment(&app, &troll, a, "ひどい暴言のコメント").await;
    let spam_idea = idea_id(&app, &spammer, "格安サプリ販売中", "今すぐ購入を").await;
    let spam_comment = comment(&app, &spammer, b, "格安サプリはこちら").await;

    // A citizen follows the abusive comment's report link from the idea page.
    let reporter = app.signed_in("reporter@example.jp", Role::Citizen).await;
    let idea_page = format!("/ideas/{a}");
    let report_page = format!("/comments/{abusive}/report");
    let (_, page) = reporter.page(&idea_page).await;
    assert!(page.contains(&format!("href=\"{report_page}\"")));
    let (status, form) = reporter.page(&report_page).await;
    assert_eq!(status, 200);
    assert!(
        form.contains("ひどい暴言のコメント"),
        "the comment is quoted"
    );
    assert!(form.contains(&format!("action=\"{report_page}\"")));
    let res = reporter
        .submit(
            &report_page,
            &report_page,
            &[("reason", "abusive"), ("note", "報告者の補足メモ")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/ideas/{a}#comment-{abusive}"));
    assert_eq!(flash(&res), "flash-report-received");

    // The queue shows it with its reason, count and note, and an action form.
    let (status, queue) = moderator.page("/moderation").await;
    assert_eq!(status, 200);
    let form = format!("reported-comment-{abusive}");
    assert!(
        queue.contains(&format!("id=\"{form}\"")),
        "reported comment listed"
    );
    assert!(queue.contains("不適切な表現: 1") && queue.contains("報告者の補足メモ"));
    assert!(queue.contains(&format!("action=\"/moderation/comments/{abusive}\"")));
    // Filters keep working and the form sends the moderator back to the same view.
    let filtered = "/moderation?consultation=plan&reason=abusive&hours=24";
    let (status, narrowed) = moderator.page(filtered).await;
    assert_eq!(status, 200);
    assert!(narrowed.contains(&format!("id=\"{form}\"")));
    assert!(narrowed.contains(
        "name=\"return_to\" value=\"/moderation?consultation=plan&amp;reason=abusive&amp;hours=24\""
    ));

    // Hiding without a reason shows the queue again with the error, the form open.
    let res = moderator
        .submit(
            filtered,
            &format!("/moderation/comments/{abusive}"),
            &[
                ("action", "hide"),
                ("reason", ""),
                ("note", "理由を忘れた"),
                ("return_to", filtered),
                ("form_name", &form),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(
        body.contains(&format!("href=\"#field-{form}-reason\"")),
        "summary links the field"
    );
    assert!(body.contains("理由を忘れた"), "the note is kept");

    let res = moderator
        .submit(
            filtered,
            &format!("/moderation/comments/{abusive}"),
            &[
                ("action", "hide"),
                ("reason", "abusive"),
                ("note", "モデレーターの内部メモ"),
                ("return_to", filtered),
                ("form_name", &form),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), filtered, "back to the same filtered queue");
    assert_eq!(flash(&res), "flash-moderation-hide");
    let (_, public) = app.browser().page(&idea_page).await;
    assert!(public.contains("このコメントはモデレーターにより非表示にされました。"));
    assert!(public.contains("不適切な表現"));
    assert!(!public.contains("ひどい暴言のコメント"));

    // Merge the duplicate from the queue's newest ideas: the supporter of both counts once.
    assert_eq!(support_count(&app, a).await, 1);
    assert_eq!(support_count(&app, b).await, 2);
    let (_, queue) = moderator.page("/moderation").await;
    assert!(queue.contains(&format!("action=\"/moderation/ideas/{b}/merge\"")));
    let res = moderator
        .submit(
            "/moderation",
            &format!("/moderation/ideas/{b}/merge"),
            &[
                ("into", &a.to_string()),
                ("note", "同じ提案"),
                ("return_to", "/moderation"),
                ("form_name", &format!("newest-idea-{b}-merge")),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(flash(&res), "flash-merged");
    assert_eq!(
        support_count(&app, a).await,
        2,
        "two people, not three votes"
    );
    let res = app.browser().get(&format!("/ideas/{b}")).await;
    assert_eq!(res.status(), 301);
    assert_eq!(location(&res), format!("/ideas/{a}"));

    // Tag thirty ideas in one action from the filtered list.
    let res = moderator
        .submit(
            "/c/plan/tags",
            "/c/plan/tags",
            &[
                ("slug", "waiting-times"),
                ("name_ja", "待ち時間"),
                ("name_en", "Waiting times"),
                ("color", "#136f3d"),
                ("description", "窓口の待ち時間"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let writers = [&first, &second, &supporter];
    for n in 0..30 {
        idea_id(
            &app,
            writers[n % 3],
            &format!("Bulkword idea {n}"),
            "Shorter queues at the counter",
        )
        .await;
    }
    let list = "/c/plan/ideas?q=Bulkword&limit=50";
    let (status, body) = moderator.page(list).await;
    assert_eq!(status, 200);
    let ids = page_ids(&body);
    assert_eq!(ids.len(), 30, "the filtered list shows the thirty ideas");
    assert!(body.contains("id=\"bulk-all\""));
    let token = moderator.csrf_token(list).await;
    let mut fields: Vec<(&str, &str)> = vec![
        ("csrf_token", &token),
        ("return_to", list),
        ("all_on_page", "1"),
        ("tag", "waiting-times"),
        ("op", "add"),
    ];
    for id in &ids {
        fields.push(("page_ids", id));
    }
    let res = moderator
        .post_form_raw("/c/plan/ideas/tagging", &fields)
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), list, "back to the same filtered list");
    assert_eq!(flash(&res), "flash-bulk-tagged:30");
    let (_, after) = moderator.page(list).await;
    assert!(after.contains("30件の意見にタグを付けました。"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM idea_tags"),
        30,
        "thirty ideas tagged"
    );

    // The spammer: from their idea to their account, suspended, everything hidden.
    let res = moderator
        .get(&format!("/moderation/ideas/{spam_idea}/author"))
        .await;
    assert_eq!(res.status(), 303);
    let account = location(&res);
    assert!(account.starts_with("/moderation/users/"), "{account}");
    let (status, person) = moderator.page(&account).await;
    assert_eq!(status, 200);
    assert!(person.contains("Citizen spammer"));
    assert!(!person.contains("spammer@example.jp"), "never the email");
    let until = tomorrow_local(&app);
    let res = moderator
        .submit(
            &account,
            &format!("{account}/suspend"),
            &[
                ("until", &until),
                ("reason", "spam"),
                ("note", "宣伝の連投"),
                ("return_to", &account),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(flash(&res), "flash-suspended");
    let res = moderator
        .submit(
            &account,
            &format!("{account}/hide-all"),
            &[("reason", "spam"), ("return_to", &account)],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(flash(&res), "flash-posts-hidden:2");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM ideas WHERE id = {spam_idea} AND visibility = 'hidden'"
        )) + app.count(&format!(
            "SELECT COUNT(*) FROM comments WHERE id = {spam_comment} AND visibility = 'hidden'"
        )),
        2
    );
    let (_, person) = moderator.page(&account).await;
    assert!(person.contains("まで利用停止中です。") && person.contains("スパム"));

    // The transparency page: the actions, the reasons, the tombstones, no personal data.
    let (status, report) = app.browser().page("/c/plan/transparency").await;
    assert_eq!(status, 200);
    for words in [
        "非表示",
        "重複として統合",
        "意見の一括タグ付け",
        "不適切な表現",
        "スパム",
    ] {
        assert!(report.contains(words), "{words} on the transparency page");
    }
    assert!(report.contains(&format!("href=\"/ideas/{spam_idea}\"")));
    assert!(report.contains(&format!("/ideas/{a}#comment-{abusive}")));
    for private in [
        "Citizen troll",
        "Citizen spammer",
        "Citizen reporter",
        "Test person",
        "@example.jp",
        "報告者の補足メモ",
        "モデレーターの内部メモ",
        "同じ提案",
        "宣伝の連投",
        "ひどい暴言のコメント",
        "格安サプリ",
        "今すぐ購入を",
    ] {
        assert!(!report.contains(private), "{private} leaked");
    }
}

/// `(method, path, fields, who may)`: M moderator, A admin, D drafter, C another citizen,
/// W the author of the ideas and the comment.
type Route = (
    &'static str,
    String,
    Vec<(&'static str, String)>,
    &'static str,
);

/// Everything a moderation page could change, as one comparable value.
fn snapshot(app: &TestApp) -> Vec<i64> {
    [
        "SELECT COUNT(*) FROM moderation_actions",
        "SELECT COUNT(*) FROM reports",
        "SELECT COUNT(*) FROM tags",
        "SELECT COUNT(*) FROM idea_tags",
        "SELECT COUNT(*) FROM moderation_filters",
        "SELECT COUNT(*) FROM ideas WHERE visibility = 'visible' AND locked_at IS NULL AND pinned_at IS NULL",
        "SELECT COUNT(*) FROM comments WHERE visibility = 'visible'",
        "SELECT COUNT(*) FROM users WHERE suspended_until IS NULL AND banned_at IS NULL",
        "SELECT COUNT(*) FROM consultations WHERE premoderation = TRUE",
        "SELECT COALESCE(SUM(support_count), 0) FROM ideas",
    ]
    .iter()
    .map(|sql| app.count(sql))
    .collect()
}

#[tokio::test]
async fn every_moderation_page_refuses_the_wrong_callers_and_changes_nothing() {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let api = app.api();
    let anonymous = app.browser();
    let someone = app.signed_in("someone@example.jp", Role::Citizen).await;
    let author = app.signed_in("author@example.jp", Role::Citizen).await;
    let drafter = app.signed_in("drafter@example.jp", Role::Drafter).await;
    let moderator = app.signed_in("moderator@example.jp", Role::Moderator).await;
    let admin = app.signed_in("admin@example.jp", Role::Admin).await;
    let author_token = api.token("author@example.jp").await;
    citizen(&app, "target@example.jp").await;
    let target = app.count("SELECT id FROM users WHERE email = 'target@example.jp'");
    let i1 = idea_id(&app, &author_token, "一", "本文").await;
    let i2 = idea_id(&app, &author_token, "二", "本文").await;
    let cid = comment(&app, &author_token, i1, "コメント").await;
    for (slug, name) in [("t", "t"), ("t2", "t2")] {
        let (status, _, body) = api
            .post(
                "/api/v1/consultations/plan/tags",
                &json!({"slug": slug, "name_ja": name, "name_en": name}),
                Some(&c.admin),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, _, body) = api
        .post(
            "/api/v1/moderation/filters",
            &json!({"pattern": "casino"}),
            Some(&c.admin),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let filter = app.count("SELECT id FROM moderation_filters WHERE pattern = 'casino'");
    let until = tomorrow_local(&app);
    let rfc = |hours: i64| (chrono::Utc::now() + chrono::Duration::hours(hours)).to_rfc3339();
    let f = |pairs: &[(&'static str, &str)]| -> Vec<(&'static str, String)> {
        pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
    };
    let user = format!("/moderation/users/{target}");

    let routes: Vec<Route> = vec![
        ("GET", "/moderation".into(), vec![], "MA"),
        (
            "GET",
            "/moderation?reason=spam&hours=5".into(),
            vec![],
            "MA",
        ),
        ("GET", "/moderation/log".into(), vec![], "MAD"),
        ("GET", "/moderation/log.csv".into(), vec![], "MAD"),
        ("GET", "/moderation/filters".into(), vec![], "A"),
        ("GET", user.clone(), vec![], "MA"),
        (
            "GET",
            format!("/moderation/ideas/{i1}/author"),
            vec![],
            "MA",
        ),
        (
            "GET",
            format!("/moderation/comments/{cid}/author"),
            vec![],
            "MA",
        ),
        ("GET", format!("/moderation/comments/{cid}"), vec![], "MA"),
        ("GET", "/c/plan/tags".into(), vec![], "MA"),
        ("GET", "/c/plan/tags/t/delete".into(), vec![], "MA"),
        ("GET", "/c/plan/transparency".into(), vec![], "-CWDMA"),
        (
            "POST",
            format!("/ideas/{i2}/report"),
            f(&[("reason", "spam")]),
            "CDMA",
        ),
        ("GET", format!("/comments/{cid}/report"), vec![], "CDMA"),
        (
            "POST",
            format!("/comments/{cid}/report"),
            f(&[("reason", "abusive")]),
            "CDMA",
        ),
        (
            "POST",
            format!("/moderation/ideas/{i1}"),
            f(&[("action", "lock"), ("reason", "other")]),
            "MA",
        ),
        (
            "POST",
            format!("/moderation/comments/{cid}"),
            f(&[("action", "hide"), ("reason", "abusive")]),
            "MA",
        ),
        (
            "POST",
            "/c/plan/tags".into(),
            f(&[
                ("slug", "n"),
                ("name_ja", "n"),
                ("name_en", "n"),
                ("color", "#0031d8"),
            ]),
            "MA",
        ),
        (
            "POST",
            "/c/plan/tags/t".into(),
            f(&[
                ("name_ja", "改名"),
                ("name_en", "Renamed"),
                ("color", "#136f3d"),
            ]),
            "MA",
        ),
        (
            "POST",
            format!("/ideas/{i1}/tags"),
            f(&[("tags", "t")]),
            "MA",
        ),
        (
            "POST",
            "/c/plan/ideas/tagging".into(),
            f(&[("tag", "t"), ("op", "add"), ("ids", &i2.to_string())]),
            "MA",
        ),
        (
            "POST",
            "/c/plan/tags/t2/merge".into(),
            f(&[("into", "t")]),
            "MA",
        ),
        ("POST", "/c/plan/tags/t/delete".into(), vec![], "MA"),
        (
            "POST",
            format!("{user}/suspend"),
            f(&[("until", &until), ("reason", "spam")]),
            "MA",
        ),
        ("POST", format!("{user}/lift"), vec![], "MA"),
        (
            "POST",
            format!("{user}/hide-all"),
            f(&[("reason", "spam")]),
            "MA",
        ),
        (
            "POST",
            "/moderation/filters".into(),
            f(&[("pattern", "poker")]),
            "A",
        ),
        (
            "POST",
            format!("/moderation/filters/{filter}/remove"),
            vec![],
            "A",
        ),
        (
            "POST",
            "/admin/consultations/plan/edit".into(),
            f(&[
                ("organisation", "digital-agency"),
                ("title", "デジタル・ガバメント実行計画（案）"),
                ("summary", "計画案"),
                ("body", PLAN),
                ("opens_at", &rfc(-1)),
                ("closes_at", &rfc(24 * 30)),
                ("status", "open"),
                ("premoderation", "on"),
            ]),
            "A",
        ),
        (
            "POST",
            format!("/moderation/ideas/{i2}/merge"),
            f(&[("into", &i1.to_string())]),
            "MA",
        ),
    ];
    let callers: [(char, &Browser); 6] = [
        ('-', &anonymous),
        ('C', &someone),
        ('W', &author),
        ('D', &drafter),
        ('M', &moderator),
        ('A', &admin),
    ];
    for (method, path, fields, allowed) in &routes {
        let mut succeeded = false;
        for (who, browser) in callers {
            let may = allowed.contains(who);
            if may && succeeded && *method == "POST" {
                continue; // one allowed change per route; the state has moved on
            }
            let before = snapshot(&app);
            let res = if *method == "GET" {
                browser.get(path).await
            } else {
                let borrowed: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                browser.submit("/", path, &borrowed).await
            };
            let status = res.status().as_u16();
            let to = location(&res);
            if may {
                let ok = status == 200
                    || (status == 303 && !to.starts_with("/login"))
                    || (status == 303 && *method == "POST");
                assert!(ok, "{method} {path} by {who}: {status} {to}");
                succeeded = true;
            } else {
                match (who, *method) {
                    ('-', "GET") => {
                        assert_eq!(status, 303, "{method} {path} by {who}");
                        assert!(to.starts_with("/login?next="), "{path}: {to}");
                    }
                    ('-', _) => assert_eq!(status, 401, "{method} {path} by {who}"),
                    _ => assert_eq!(status, 403, "{method} {path} by {who}"),
                }
                if *method == "GET" {
                    let body = res.text().await.unwrap_or_default();
                    assert!(
                        !body.contains("moderation-form"),
                        "{path} by {who} shows forms"
                    );
                }
                assert_eq!(
                    snapshot(&app),
                    before,
                    "{method} {path} by {who} changed something"
                );
            }
        }
        assert!(succeeded, "{method} {path}: nobody succeeded");
    }
}

#[tokio::test]
async fn reports_come_from_the_idea_page_once_and_never_on_ones_own_content() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    let author = app.signed_in("author@example.jp", Role::Citizen).await;
    let author_token = app.api().token("author@example.jp").await;
    let id = idea_id(&app, &author_token, "通報される案", "本文").await;
    let cid = comment(&app, &author_token, id, "通報されるコメント").await;
    let page = format!("/ideas/{id}");

    let comment_link = format!("href=\"/comments/{cid}/report\"");
    let (_, signed_out) = app.browser().page(&page).await;
    assert!(
        !signed_out.contains("report-form") && !signed_out.contains(&comment_link),
        "no report form or link when signed out"
    );
    let (_, own) = author.page(&page).await;
    assert!(
        !own.contains("report-form") && !own.contains(&comment_link),
        "no report form or link on one's own content"
    );
    let unverified = app.browser();
    app.create_user("new@example.jp", "New", Role::Citizen, false)
        .await;
    unverified.login("new@example.jp", PASSWORD).await;
    let (_, body) = unverified.page(&page).await;
    assert!(
        !body.contains("report-form") && !body.contains(&comment_link),
        "unverified people cannot report"
    );

    // The idea keeps its inline form; each comment has only a link to its report page.
    let reader = app.signed_in("reader@example.jp", Role::Citizen).await;
    let (_, body) = reader.page(&page).await;
    assert!(body.contains(&format!("action=\"/ideas/{id}/report\"")));
    assert!(body.contains(&comment_link));
    assert!(!body.contains(&format!("action=\"/comments/{cid}/report\"")));
    assert_eq!(body.matches("class=\"report-form\"").count(), 1);
    for reason in ["spam", "abusive", "personal_info", "off_topic", "other"] {
        assert!(body.contains(&format!("name=\"reason\" value=\"{reason}\"")));
    }

    // No reason: the idea page again, the form open, the error linked.
    let res = reader
        .submit(
            &page,
            &format!("/ideas/{id}/report"),
            &[("note", "理由なし")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("href=\"#field-report-idea-reason\""));
    assert!(body.contains("<details class=\"report-box\" open>"));
    assert!(body.contains("理由なし"));

    let res = reader
        .submit(
            &page,
            &format!("/ideas/{id}/report"),
            &[("reason", "off_topic"), ("note", "")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), page);
    let (_, after) = reader.page(&page).await;
    assert!(after.contains("通報ありがとうございます。モデレーターが確認します。"));
    let res = reader
        .submit(&page, &format!("/ideas/{id}/report"), &[("reason", "spam")])
        .await;
    assert_eq!(res.status(), 409, "one report per person per item");
    let res = author
        .submit(
            &page,
            &format!("/comments/{cid}/report"),
            &[("reason", "spam")],
        )
        .await;
    assert_eq!(res.status(), 403, "not on one's own comment");
    assert_eq!(app.count("SELECT COUNT(*) FROM reports"), 1);
}

/// A comment is reported on a page of its own, reached from the link under it: the comment
/// quoted, the form, and the way back to the same page of comments.
#[tokio::test]
async fn a_comment_is_reported_from_its_own_page_and_a_refused_form_comes_back_there() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    app.create_user("author@example.jp", "投稿者の筆名", Role::Citizen, true)
        .await;
    let author = app.browser();
    author.login("author@example.jp", PASSWORD).await;
    let author_token = app.api().token("author@example.jp").await;
    let id = idea_id(&app, &author_token, "コメントが通報される案", "本文").await;
    let first = comment(&app, &author_token, id, "最初のコメント").await;
    let cid = comment(&app, &author_token, id, "**通報される**コメント").await;
    let deleted = comment(&app, &author_token, id, "消されるコメント").await;
    let hidden = comment(&app, &author_token, id, "隠されるコメント").await;
    let (status, _, _) = app
        .api()
        .delete(&format!("/api/v1/comments/{deleted}"), Some(&author_token))
        .await;
    assert_eq!(status, 204);
    app.create_user("mod@example.jp", "Mod", Role::Moderator, true)
        .await;
    let mod_token = app.api().token("mod@example.jp").await;
    let (status, _, body) = app
        .api()
        .post(
            &format!("/api/v1/comments/{hidden}/moderation"),
            &json!({"action": "hide", "reason": "abusive"}),
            Some(&mod_token),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let reports = "SELECT COUNT(*) FROM reports";
    let path = format!("/comments/{cid}/report");
    let with_cursor = format!("{path}?comments_cursor={first}");
    let back = format!("/ideas/{id}?comments_cursor={first}#comment-{cid}");

    // The link on the idea page keeps the page of comments the reader is on.
    let reader = app.signed_in("reader@example.jp", Role::Citizen).await;
    let (status, body) = reader
        .page(&format!("/ideas/{id}?comments_cursor={first}"))
        .await;
    assert_eq!(status, 200);
    assert!(body.contains(&format!("href=\"{with_cursor}\"")), "{body}");

    // Signed out: to the login page and back (a POST is refused).
    let anonymous = app.browser();
    let res = anonymous.get(&with_cursor).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        location(&res),
        format!("/login?next=%2Fcomments%2F{cid}%2Freport%3Fcomments_cursor%3D{first}")
    );
    let res = anonymous.submit("/", &path, &[("reason", "spam")]).await;
    assert_eq!(res.status(), 401);

    // The page: the comment quoted (sanitised Markdown, author, date), the form, the way back.
    let (status, body) = reader.page(&with_cursor).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("<strong>通報される</strong>コメント"),
        "{body}"
    );
    assert!(
        body.contains("<strong>投稿者の筆名</strong>"),
        "the author's display name"
    );
    assert!(body.contains(&format!("href=\"{}\"", back.replace('&', "&amp;"))));
    assert!(body.contains(&format!("action=\"{path}\"")));
    assert!(body.contains(&format!("name=\"comments_cursor\" value=\"{first}\"")));
    for reason in ["spam", "abusive", "personal_info", "off_topic", "other"] {
        assert!(body.contains(&format!("name=\"reason\" value=\"{reason}\"")));
    }
    assert!(
        !body.contains("<details class=\"report-box\""),
        "the form is the page, not folded away"
    );
    let (status, _) = reader
        .page(&format!("{path}?comments_cursor=nonsense"))
        .await;
    assert_eq!(status, 400, "a malformed cursor is refused");

    // Nothing to report: deleted, hidden or unknown comments are not found; one's own comment
    // and an unverified account are refused.
    for gone in [deleted, hidden, 999_999] {
        let (status, _) = reader.page(&format!("/comments/{gone}/report")).await;
        assert_eq!(status, 404, "comment {gone}");
    }
    let (status, _) = author.page(&path).await;
    assert_eq!(status, 403, "not one's own comment");
    let unverified = app.browser();
    app.create_user("new@example.jp", "New", Role::Citizen, false)
        .await;
    unverified.login("new@example.jp", PASSWORD).await;
    let (status, _) = unverified.page(&path).await;
    assert_eq!(status, 403, "unverified people cannot report");

    // No reason: the report page again, with the error, the note kept, nothing stored.
    let res = reader
        .submit(
            &with_cursor,
            &path,
            &[
                ("note", "理由を選び忘れた補足"),
                ("comments_cursor", &first.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains(&format!("href=\"#field-report-comment-{cid}-reason\"")));
    assert!(body.contains(&format!("id=\"field-report-comment-{cid}-reason-error\"")));
    assert!(body.contains("理由を選び忘れた補足"), "the note is kept");
    assert!(
        body.contains("<strong>通報される</strong>コメント"),
        "still quoted"
    );
    assert!(body.contains(&format!("name=\"comments_cursor\" value=\"{first}\"")));
    // A note too long: the chosen reason stays chosen.
    let long = "あ".repeat(1_001);
    let res = reader
        .submit(&path, &path, &[("reason", "off_topic"), ("note", &long)])
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains(&format!("id=\"field-report-comment-{cid}-note-error\"")));
    assert!(body.contains(&format!(
        "value=\"off_topic\" id=\"field-report-comment-{cid}-reason-off_topic\" checked"
    )));
    assert_eq!(app.count(reports), 0, "a refused form stores nothing");

    // Sent: back to the comment on the page of comments the reader came from.
    let res = reader
        .submit(
            &with_cursor,
            &path,
            &[
                ("reason", "personal_info"),
                ("note", "電話番号が書かれています"),
                ("comments_cursor", &first.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), back);
    assert_eq!(flash(&res), "flash-report-received");
    assert_eq!(app.count(reports), 1);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM reports WHERE target_type = 'comment' AND target_id = {cid} \
             AND reason = 'personal_info'"
        )),
        1
    );
    let res = reader.submit(&path, &path, &[("reason", "spam")]).await;
    assert_eq!(res.status(), 409, "one report per person per comment");
}

#[tokio::test]
async fn moderators_act_from_the_idea_page_but_never_on_their_own_content() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    let author = citizen(&app, "author@example.jp").await;
    let id = idea_id(&app, &author, "ロックされる案", "本文").await;
    let moderator = app.signed_in("mod@example.jp", Role::Moderator).await;
    let mod_token = app.api().token("mod@example.jp").await;
    let own = idea_id(&app, &mod_token, "モデレーター自身の案", "本文").await;
    let page = format!("/ideas/{id}");

    let (_, body) = moderator.page(&page).await;
    assert!(
        body.contains("id=\"moderation\""),
        "controls on others' ideas"
    );
    assert!(body.contains(&format!("action=\"/moderation/ideas/{id}\"")));
    let (_, body) = moderator.page(&format!("/ideas/{own}")).await;
    assert!(
        !body.contains("id=\"moderation\""),
        "no controls on one's own idea"
    );
    let res = moderator
        .submit(
            &page,
            &format!("/moderation/ideas/{own}"),
            &[("action", "hide"), ("reason", "spam")],
        )
        .await;
    assert_eq!(res.status(), 403);

    // A refused action shows the idea page again with the panel open.
    let res = moderator
        .submit(
            &page,
            &format!("/moderation/ideas/{id}"),
            &[
                ("action", "lock"),
                ("reason", "nonsense"),
                ("return_to", &page),
                ("form_name", "moderate-idea"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("href=\"#field-moderate-idea-reason\""));
    assert!(body.contains("id=\"moderation\" open"));

    for (action, check) in [
        ("lock", "この意見はロックされています"),
        ("pin", "badge-pinned"),
        ("hide", "モデレーターにより非表示"),
        ("restore", "action\" value=\"hide\""),
    ] {
        let res = moderator
            .submit(
                &page,
                &format!("/moderation/ideas/{id}"),
                &[
                    ("action", action),
                    ("reason", "other"),
                    ("return_to", &page),
                ],
            )
            .await;
        assert_eq!(res.status(), 303, "{action}");
        assert_eq!(location(&res), page);
        let (_, body) = moderator.page(&page).await;
        assert!(body.contains(check), "{action}: {check}");
    }
    // Restoring what is visible conflicts.
    let res = moderator
        .submit(
            &page,
            &format!("/moderation/ideas/{id}"),
            &[
                ("action", "restore"),
                ("reason", "other"),
                ("return_to", &page),
            ],
        )
        .await;
    assert_eq!(res.status(), 409);
}

#[tokio::test]
async fn tags_are_curated_on_their_page_and_set_on_ideas() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    let author = citizen(&app, "author@example.jp").await;
    let ids = [
        idea_id(&app, &author, "一つ目", "本文").await,
        idea_id(&app, &author, "二つ目", "本文").await,
    ];
    let moderator = app.signed_in("mod@example.jp", Role::Moderator).await;
    let (status, body) = moderator.page("/c/plan/tags").await;
    assert_eq!(status, 200);
    assert!(body.contains("action=\"/c/plan/tags\""));

    // A bad colour: the page again, 422, the value kept.
    let res = moderator
        .submit(
            "/c/plan/tags",
            "/c/plan/tags",
            &[
                ("slug", "privacy"),
                ("name_ja", "プライバシー"),
                ("name_en", "Privacy"),
                ("color", "blue"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("href=\"#field-tag-new-color\"") && body.contains("value=\"プライバシー\"")
    );
    for (slug, ja, en) in [
        ("privacy", "プライバシー", "Privacy"),
        ("security", "安全", "Security"),
    ] {
        let res = moderator
            .submit(
                "/c/plan/tags",
                "/c/plan/tags",
                &[
                    ("slug", slug),
                    ("name_ja", ja),
                    ("name_en", en),
                    ("color", "#0031d8"),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
    }

    // One idea's tags from its page.
    let page = format!("/ideas/{}", ids[0]);
    let (_, body) = moderator.page(&page).await;
    assert!(body.contains("name=\"tags\" value=\"privacy\""));
    let res = moderator
        .submit(
            &page,
            &format!("/ideas/{}/tags", ids[0]),
            &[("tags", "privacy"), ("tags", "security")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.count("SELECT COUNT(*) FROM idea_tags"), 2);

    // Bulk: the checked ideas only, then removing again.
    let list = "/c/plan/ideas";
    let (_, body) = moderator.page(list).await;
    assert!(body.contains(&format!(
        "form=\"bulk-tag-form\" name=\"ids\" value=\"{}\"",
        ids[1]
    )));
    let (_, public) = app.browser().page(list).await;
    assert!(!public.contains("bulk-tag-form"), "only moderators tag");
    let second = ids[1].to_string();
    let res = moderator
        .submit(
            list,
            "/c/plan/ideas/tagging",
            &[
                ("tag", "security"),
                ("op", "add"),
                ("ids", &second),
                ("return_to", list),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(flash(&res), "flash-bulk-tagged:1");
    let res = moderator
        .submit(
            list,
            "/c/plan/ideas/tagging",
            &[
                ("tag", "security"),
                ("op", "remove"),
                ("ids", &second),
                ("return_to", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), list, "never sent off the site");
    assert_eq!(flash(&res), "flash-bulk-untagged:1");
    let res = moderator
        .submit(
            list,
            "/c/plan/ideas/tagging",
            &[("tag", "security"), ("op", "add")],
        )
        .await;
    assert_eq!(res.status(), 422, "nothing selected");

    // Rename, merge, delete after a confirmation.
    let res = moderator
        .submit(
            "/c/plan/tags",
            "/c/plan/tags/privacy",
            &[
                ("name_ja", "個人情報保護"),
                ("name_en", "Data protection"),
                ("color", "#136f3d"),
                ("description", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, body) = app.browser().page(list).await;
    assert!(body.contains("個人情報保護"));
    let res = moderator
        .submit(
            "/c/plan/tags",
            "/c/plan/tags/security/merge",
            &[("into", "privacy")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.count("SELECT COUNT(*) FROM tags"), 1);
    let (status, confirm) = moderator.page("/c/plan/tags/privacy/delete").await;
    assert_eq!(status, 200);
    assert!(confirm.contains("action=\"/c/plan/tags/privacy/delete\""));
    let res = moderator
        .submit(
            "/c/plan/tags/privacy/delete",
            "/c/plan/tags/privacy/delete",
            &[],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.count("SELECT COUNT(*) FROM tags"), 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM idea_tags"), 0);
}

#[tokio::test]
async fn suspended_people_read_but_cannot_take_part_and_see_why() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    let person = app.signed_in("person@example.jp", Role::Citizen).await;
    let id = app.count("SELECT id FROM users WHERE email = 'person@example.jp'");
    let admin = app.signed_in("admin@example.jp", Role::Admin).await;

    // Admins act from the user list too; the list keeps showing the email to admins.
    let (_, users) = admin.page("/admin/users").await;
    assert!(users.contains("person@example.jp"));
    assert!(users.contains(&format!("action=\"/moderation/users/{id}/suspend\"")));
    let res = admin
        .submit(
            "/admin/users",
            &format!("/moderation/users/{id}/suspend"),
            &[
                ("until", ""),
                ("reason", "spam"),
                ("return_to", "/admin/users"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422, "a suspension needs an end or a ban");
    let body = res.text().await.unwrap();
    assert!(body.contains("href=\"#field-until\""));
    let res = admin
        .submit(
            "/admin/users",
            &format!("/moderation/users/{id}/suspend"),
            &[
                ("ban", "on"),
                ("reason", "abusive"),
                ("return_to", "/admin/users"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/admin/users");
    assert_eq!(flash(&res), "flash-banned");

    let (status, home) = person.page("/c/plan").await;
    assert_eq!(status, 200, "they can still read");
    assert!(home.contains("あなたのアカウントは利用禁止になっています。"));
    assert!(home.contains("不適切な表現"), "and they see why");
    let res = person
        .submit(
            "/c/plan/ideas/new",
            "/c/plan/ideas/new",
            &[("title", "停止中の投稿"), ("body", "本文")],
        )
        .await;
    assert_eq!(res.status(), 403);

    let res = admin
        .submit(
            "/admin/users",
            &format!("/moderation/users/{id}/lift"),
            &[("return_to", "/admin/users")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, home) = person.page("/c/plan").await;
    assert!(!home.contains("banner-suspended"));
}

#[tokio::test]
async fn premoderation_holds_new_ideas_and_filters_are_managed_by_admins() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    let admin = app.signed_in("admin@example.jp", Role::Admin).await;
    let edit = "/admin/consultations/plan/edit";
    let (_, form) = admin.page(edit).await;
    assert!(form.contains("name=\"premoderation\""));
    assert!(!form.contains("name=\"premoderation\" type=\"checkbox\" aria-describedby=\"field-premoderation-hint\" checked"));
    let value = |name: &str| -> String {
        let marker = format!("name=\"{name}\" type=\"datetime-local\" required value=\"");
        let start = form.find(&marker).expect(name) + marker.len();
        form[start..start + form[start..].find('"').unwrap()].to_owned()
    };
    let (opens, closes) = (value("opens_at"), value("closes_at"));
    let res = admin
        .submit(
            edit,
            edit,
            &[
                ("organisation", "digital-agency"),
                ("title", "デジタル・ガバメント実行計画（案）"),
                ("summary", "計画案"),
                ("body", PLAN),
                ("opens_at", &opens),
                ("closes_at", &closes),
                ("status", "open"),
                ("premoderation", "on"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, form) = admin.page(edit).await;
    assert!(form.contains("aria-describedby=\"field-premoderation-hint\" checked"));

    let author = citizen(&app, "author@example.jp").await;
    let held = idea_id(&app, &author, "承認待ちの案", "本文").await;
    let moderator = app.signed_in("mod@example.jp", Role::Moderator).await;
    let (_, queue) = moderator.page("/moderation").await;
    assert!(queue.contains(&format!("id=\"pending-idea-{held}\"")));
    assert!(queue.contains("value=\"approve\""));
    assert_eq!(
        app.browser().get(&format!("/ideas/{held}")).await.status(),
        404
    );
    let res = moderator
        .submit(
            "/moderation",
            &format!("/moderation/ideas/{held}"),
            &[
                ("action", "approve"),
                ("reason", "other"),
                ("return_to", "/moderation"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(flash(&res), "flash-moderation-approve");
    assert_eq!(
        app.browser().get(&format!("/ideas/{held}")).await.status(),
        200
    );

    // Filters: moderators may not see them; admins add a word and a pattern, then remove one.
    assert_eq!(moderator.get("/moderation/filters").await.status(), 403);
    let res = admin
        .submit(
            "/moderation/filters",
            "/moderation/filters",
            &[("pattern", "(unclosed"), ("is_regex", "on")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("href=\"#field-pattern\"")
    );
    for (pattern, regex) in [("casino", ""), (r"\d{3}-\d{4}", "on")] {
        let res = admin
            .submit(
                "/moderation/filters",
                "/moderation/filters",
                &[("pattern", pattern), ("is_regex", regex)],
            )
            .await;
        assert_eq!(res.status(), 303);
    }
    let (_, page) = admin.page("/moderation/filters").await;
    assert!(page.contains("<code>casino</code>") && page.contains("正規表現"));
    let id = app.count("SELECT id FROM moderation_filters WHERE pattern = 'casino'");
    let res = admin
        .submit(
            "/moderation/filters",
            &format!("/moderation/filters/{id}/remove"),
            &[],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.count("SELECT COUNT(*) FROM moderation_filters"), 1);
}

#[tokio::test]
async fn the_log_filters_pages_and_downloads_as_csv() {
    let app = spawn_app().await;
    open_consultation(&app).await;
    let author = citizen(&app, "author@example.jp").await;
    let moderator = app.signed_in("mod@example.jp", Role::Moderator).await;
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(idea_id(&app, &author, &format!("案{n}"), "本文").await);
    }
    for (id, action, reason) in [
        (ids[0], "pin", "other"),
        (ids[1], "lock", "resolved"),
        (ids[2], "hide", "spam"),
    ] {
        let res = moderator
            .submit(
                "/moderation",
                &format!("/moderation/ideas/{id}"),
                &[
                    ("action", action),
                    ("reason", reason),
                    ("note", "=HYPERLINK(\"x\")"),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
    }
    let drafter = app.signed_in("drafter@example.jp", Role::Drafter).await;
    let (status, log) = drafter.page("/moderation/log").await;
    assert_eq!(status, 200, "drafters read the log");
    assert!(log.contains("ピン留め") && log.contains("ロック") && log.contains("Test person"));
    let (_, only_spam) = drafter.page("/moderation/log?reason=spam").await;
    assert!(only_spam.contains(&format!("href=\"/ideas/{}\"", ids[2])));
    assert!(!only_spam.contains(&format!("href=\"/ideas/{}\"", ids[0])));
    assert!(only_spam.contains("href=\"/moderation/log.csv?reason=spam\""));
    assert_eq!(
        drafter
            .get("/moderation/log?action=nonsense")
            .await
            .status(),
        400
    );
    assert_eq!(drafter.get("/moderation/log?page=2").await.status(), 400);

    let res = drafter.get("/moderation/log.csv?action=lock").await;
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(headers["cache-control"], "no-store");
    let csv = res.text().await.unwrap();
    assert_eq!(csv.lines().count(), 2, "header and the one lock: {csv}");
    assert!(csv.contains("'=HYPERLINK"), "formulas are neutralised");

    // "Older" pages with before=; this log is short, so a cursor past the end is empty.
    let first = app.count("SELECT MIN(id) FROM moderation_actions");
    let (status, older) = drafter
        .page(&format!("/moderation/log?before={}", first + 1))
        .await;
    assert_eq!(status, 200);
    assert!(
        older.contains("href=\"/moderation/log\""),
        "a link back to the newest"
    );
}
