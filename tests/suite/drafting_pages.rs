//! The drafting committee's pages, driven like a browser without JavaScript: answering ideas
//! one by one and by tag, publishing (and the emails it sends), the disposition table's
//! editor and public page, the report with its charts, the export form's downloads, and the
//! open data links after the close.

use std::io::Cursor;

use ideabox::domain::lang::Lang;
use ideabox::domain::role::Role;
use serde_json::json;

use crate::support::fixtures::*;
use crate::support::*;

struct Setup {
    app: TestApp,
    slug: String,
    admin: String,
    drafter: Browser,
    ideas: Vec<i64>,
    receipts: Vec<String>,
}

/// An open consultation with three ideas by one author, one of them supported by a fan, and
/// a signed-in drafter.
async fn setup() -> Setup {
    let app = spawn_app().await;
    let c = open_consultation(&app).await;
    let drafter = app.signed_in("drafter@example.jp", Role::Drafter).await;
    let author = citizen(&app, "author@example.jp").await;
    let fan = citizen(&app, "fan@example.jp").await;
    let mut ideas = Vec::new();
    let mut receipts = Vec::new();
    for (title, section) in [
        ("行政のデジタル化を進める", "s1"),
        ("窓口の手続を減らす", "s2"),
        ("データ連携のルール", "s2"),
    ] {
        let (status, _, idea) = app
            .api()
            .post(
                &format!("/api/v1/consultations/{}/ideas", c.slug),
                &json!({"title": title, "body": format!("{title}の本文"), "section": section}),
                Some(&author),
            )
            .await;
        assert_eq!(status, 201, "{idea}");
        ideas.push(idea["id"].as_i64().unwrap());
        receipts.push(idea["receipt"].as_str().unwrap().to_owned());
    }
    put_vote(&app, &fan, ideas[0], "support").await;
    put_vote(&app, &fan, ideas[1], "support").await;
    Setup {
        app,
        slug: c.slug,
        admin: c.admin,
        drafter,
        ideas,
        receipts,
    }
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn close(s: &Setup) {
    let (status, body) = patch(
        &s.app,
        &s.admin,
        &format!("/api/v1/consultations/{}", s.slug),
        &json!({"status": "closed"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

/// Waits for `count` publication emails to `to` (one per published response; other mail,
/// such as the idea's receipt, may come first) and returns their texts together.
async fn publication_mails(app: &TestApp, to: &str, count: usize) -> String {
    let subject = ideabox::i18n::text(Lang::Ja, "mail-response-published-subject");
    for _ in 0..300 {
        let mails: Vec<Email> = app
            .emails()
            .into_iter()
            .filter(|m| m.to == to && m.subject == subject)
            .collect();
        if mails.len() >= count {
            return mails
                .iter()
                .map(|m| m.text.as_str())
                .collect::<Vec<_>>()
                .join("\n");
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // Shows what did arrive.
    let last = app.last_email(to).await;
    panic!("no publication email to {to}; last was {:?}", last.subject);
}

async fn tag_ideas(s: &Setup, tag: &str, ideas: &[i64]) {
    let api = s.app.api();
    let (status, _, body) = api
        .post(
            &format!("/api/v1/consultations/{}/tags", s.slug),
            &json!({"slug": tag, "name_ja": "窓口", "name_en": "Counters"}),
            Some(&s.admin),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, _, body) = api
        .post(
            &format!("/api/v1/consultations/{}/tags/{tag}/ideas", s.slug),
            &json!({"add": ideas}),
            Some(&s.admin),
        )
        .await;
    assert!(status < 300, "{status} {body}");
}

#[tokio::test]
async fn a_drafter_answers_one_idea_and_a_tag_publishes_all_and_people_are_told() {
    let s = setup().await;
    let idea_page = format!("/ideas/{}", s.ideas[0]);
    let action = format!("/ideas/{}/response", s.ideas[0]);

    // Drafters get the answer form on the idea page; citizens do not.
    let (_, page) = s.drafter.page(&idea_page).await;
    assert!(
        page.contains(&format!("action=\"{action}\"")),
        "answer form"
    );
    let (_, public) = s.app.browser().page(&idea_page).await;
    assert!(!public.contains(&action));
    assert!(!public.contains("official-response"));

    // A missing text shows the form again with the error, keeping the chosen status.
    let res = s
        .drafter
        .submit(
            &idea_page,
            &action,
            &[
                ("status", "adopted"),
                ("body", " "),
                ("section", "s1"),
                ("action", "draft"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("error-summary"));
    assert!(body.contains("href=\"#field-answer-body\""));
    assert!(body.contains("<option value=\"adopted\" selected>"));

    // One idea, as a draft.
    let res = s
        .drafter
        .submit(
            &idea_page,
            &action,
            &[
                ("status", "adopted"),
                ("body", "計画の第1章に**反映**しました。"),
                ("section", "s1"),
                ("action", "draft"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("{idea_page}#answer"));
    let (_, page) = s.drafter.page(&idea_page).await;
    assert!(page.contains("answer-draft"), "the draft shows to drafters");
    assert!(page.contains("計画の第1章に<strong>反映</strong>しました。"));
    let (_, public) = s.app.browser().page(&idea_page).await;
    assert!(!public.contains("計画の第1章"), "drafts are not public");

    // A citizen cannot answer.
    let citizen = s.app.signed_in("someone@example.jp", Role::Citizen).await;
    let res = citizen
        .submit(
            &idea_page,
            &action,
            &[("status", "adopted"), ("body", "x"), ("action", "publish")],
        )
        .await;
    assert_eq!(res.status(), 403);

    // By tag, from the responses page.
    tag_ideas(&s, "madoguchi", &[s.ideas[1], s.ideas[2]]).await;
    let responses = format!("/c/{}/responses", s.slug);
    let (status, page) = s.drafter.page(&responses).await;
    assert_eq!(status, 200);
    assert!(page.contains("name=\"group\" value=\"tag\""));
    assert!(page.contains("<option value=\"madoguchi\""));
    let res = s
        .drafter
        .submit(
            &responses,
            &responses,
            &[
                ("group", "tag"),
                ("tag", "madoguchi"),
                ("status", "under_review"),
                ("body", "窓口の手続は引き続き検討します。"),
                ("section", ""),
                ("action", "draft"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("{responses}#drafts"));

    // Both drafts are listed with their ideas' receipts as links.
    let (_, page) = s.drafter.page(&responses).await;
    assert!(page.contains("窓口の手続は引き続き検討します。"));
    for (id, receipt) in s.ideas.iter().zip(&s.receipts) {
        assert!(
            page.contains(&format!(
                "<a class=\"receipt\" href=\"/ideas/{id}\">{receipt}</a>"
            )),
            "{receipt} linked"
        );
    }
    assert!(page.contains(&format!("action=\"{responses}/publish\"")));

    // Citizens and moderators do not see the page.
    assert_eq!(citizen.get(&responses).await.status(), 403);
    let moderator = s.app.signed_in("mod@example.jp", Role::Moderator).await;
    assert_eq!(moderator.get(&responses).await.status(), 403);

    let res = s
        .drafter
        .submit(&responses, &format!("{responses}/publish"), &[])
        .await;
    assert_eq!(res.status(), 303);
    let (_, page) = s.drafter.page(&responses).await;
    assert!(page.contains("empty-state"), "no drafts left");

    // The author and the supporter are told, with the receipts concerned.
    let to_author = publication_mails(&s.app, "author@example.jp", 2).await;
    for receipt in &s.receipts {
        assert!(to_author.contains(receipt), "{to_author}");
    }
    let to_fan = publication_mails(&s.app, "fan@example.jp", 2).await;
    assert!(to_fan.contains(&s.receipts[0]) && to_fan.contains(&s.receipts[1]));
    assert!(
        !to_fan.contains(&s.receipts[2]),
        "the fan did not support it"
    );
    let last = s.app.last_email("fan@example.jp").await;
    assert!(last.text.contains("/ideas/"), "links to the ideas");

    // The idea page shows the published response prominently, in words.
    let (_, public) = s.app.browser().page(&idea_page).await;
    let response = public
        .split("class=\"official-response\"")
        .nth(1)
        .expect("the response section");
    let adopted = ideabox::i18n::text(Lang::Ja, "response-status-adopted");
    assert!(response.contains(&format!(
        "<span class=\"badge badge-response\">{adopted}</span>"
    )));
    assert!(response.contains("計画の第1章に<strong>反映</strong>しました。"));
    assert!(
        response.contains(&format!("href=\"/c/{}#s1\"", s.slug)),
        "section link"
    );
    let (_, grouped) = s
        .app
        .browser()
        .page(&format!("/ideas/{}", s.ideas[2]))
        .await;
    assert!(grouped.contains("窓口の手続は引き続き検討します。"));
    assert!(grouped.contains("under_review") || grouped.contains("検討中"));

    // The list filters by status and shows the status in words.
    let (status, list) = s
        .app
        .browser()
        .page(&format!("/c/{}/ideas?status=adopted", s.slug))
        .await;
    assert_eq!(status, 200);
    assert!(list.contains("行政のデジタル化を進める"));
    assert!(!list.contains("データ連携のルール"));
    assert!(list.contains(&format!(
        "<span class=\"badge badge-response\">{adopted}</span>"
    )));
}

#[tokio::test]
async fn a_selection_of_ideas_is_answered_and_published_one_by_one() {
    let s = setup().await;
    let responses = format!("/c/{}/responses", s.slug);
    // Nothing ticked: the form comes back with the error on the selection.
    let res = s
        .drafter
        .submit(
            &responses,
            &responses,
            &[
                ("group", "selection"),
                ("status", "not_adopted"),
                ("body", "今回は見送ります。"),
                ("action", "draft"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("href=\"#field-selection-ideas\""));
    assert!(page.contains("今回は見送ります。"), "the text is kept");

    let ids: Vec<String> = s.ideas[1..].iter().map(|i| i.to_string()).collect();
    let res = s
        .drafter
        .submit(
            &responses,
            &responses,
            &[
                ("group", "selection"),
                ("ideas", &ids[0]),
                ("ideas", &ids[1]),
                ("status", "not_adopted"),
                ("body", "今回は見送ります。"),
                ("action", "draft"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let id = s
        .app
        .count("SELECT MAX(id) FROM responses WHERE published_at IS NULL");
    let res = s
        .drafter
        .submit(&responses, &format!("{responses}/{id}/publish"), &[])
        .await;
    assert_eq!(res.status(), 303);
    let (_, page) = s
        .app
        .browser()
        .page(&format!("/ideas/{}", s.ideas[1]))
        .await;
    assert!(page.contains("今回は見送ります。"));
    assert!(page.contains(&ideabox::i18n::text_with(
        Lang::Ja,
        "response-shared",
        &[("count", "2".to_owned())]
    )));
}

#[tokio::test]
async fn the_disposition_table_is_edited_in_one_form_and_published() {
    let s = setup().await;
    let path = format!("/c/{}/disposition", s.slug);

    // Not public until published.
    assert_eq!(s.app.browser().get(&path).await.status(), 404);
    let (status, editor) = s.drafter.page(&path).await;
    assert_eq!(status, 200);
    assert!(
        editor.contains("name=\"rows-0-summary\""),
        "one empty row to start"
    );
    let uncovered = editor.split("id=\"uncovered\"").nth(1).unwrap();
    for receipt in &s.receipts {
        assert!(uncovered.contains(receipt.as_str()), "{receipt} uncovered");
    }

    // "Add a row" shows another row and saves nothing.
    let res = s
        .drafter
        .submit(
            &path,
            &path,
            &[("rows-0-summary", "下書き中"), ("action", "add")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(page.contains("name=\"rows-1-summary\""));
    assert!(page.contains("下書き中"));
    assert_eq!(s.app.count("SELECT COUNT(*) FROM disposition_rows"), 0);

    // A receipt number of no idea here is reported on its row.
    let res = s
        .drafter
        .submit(
            &path,
            &path,
            &[
                ("rows-0-summary", "概要"),
                ("rows-0-view", "考え方"),
                ("rows-0-ideas", "IB-1999-999999"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("href=\"#field-rows-0-ideas\""));
    assert!(page.contains(&ideabox::i18n::text(Lang::Ja, "error-receipt-unknown")));

    // A row without the government's view: the service's error lands on that row.
    let res = s
        .drafter
        .submit(
            &path,
            &path,
            &[
                ("rows-0-summary", "概要"),
                ("rows-0-view", "考え方"),
                ("rows-1-summary", "二つ目"),
                ("rows-1-view", ""),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("href=\"#field-rows-1-view\""), "{page}");

    // Rows cite their ideas by receipt number (any case) or id; a removed row goes.
    let lower = s.receipts[1].to_lowercase();
    let ideas_field = format!("{}、{lower}", s.receipts[0]);
    let third = s.ideas[2].to_string();
    let res = s
        .drafter
        .submit(
            &path,
            &path,
            &[
                ("rows-0-section", "s1"),
                ("rows-0-summary", "デジタル化を求める意見"),
                ("rows-0-view", "計画に反映します。"),
                ("rows-0-ideas", &ideas_field),
                ("rows-1-summary", "消す行"),
                ("rows-1-view", "消す"),
                ("rows-1-remove", "1"),
                ("rows-2-section", "s2"),
                ("rows-2-summary", "データ連携の意見"),
                ("rows-2-view", "検討します。"),
                ("rows-2-ideas", &third),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(s.app.count("SELECT COUNT(*) FROM disposition_rows"), 2);
    let (_, editor) = s.drafter.page(&path).await;
    assert!(editor.contains(&format!("value=\"{} {}\"", s.receipts[0], s.receipts[1])));
    assert!(!editor.contains("消す行"));
    let covers = ideabox::i18n::text_with(
        Lang::Ja,
        "disposition-row-covers",
        &[("ideas", "2".to_owned()), ("supporters", "1".to_owned())],
    );
    assert!(editor.contains(&covers), "counts of the saved row");
    assert!(
        editor.contains(&ideabox::i18n::text(Lang::Ja, "disposition-uncovered-none")),
        "every idea is covered"
    );
    assert_eq!(s.app.browser().get(&path).await.status(), 404);

    // Publish: the public page shows the table, grouped by section, citing its ideas.
    let res = s
        .drafter
        .submit(
            &path,
            &path,
            &[
                ("rows-0-section", "s1"),
                ("rows-0-summary", "デジタル化を求める意見"),
                ("rows-0-view", "計画に反映します。"),
                (
                    "rows-0-ideas",
                    &format!("{} {}", s.receipts[0], s.receipts[1]),
                ),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (status, public) = s.app.browser().page(&path).await;
    assert_eq!(status, 200);
    assert!(public.contains("デジタル化を求める意見"));
    assert!(public.contains("計画に反映します。"));
    assert!(public.contains(&format!(
        "<a class=\"receipt\" href=\"/ideas/{}\">{}</a>",
        s.ideas[1], s.receipts[1]
    )));
    assert!(
        !public.contains("name=\"rows-0-summary\""),
        "no editor for the public"
    );
    assert!(!public.contains(&s.receipts[2]), "the removed row is gone");

    // The drafters' view of the table lists what is no longer covered.
    let (_, editor) = s.drafter.page(&path).await;
    let uncovered = editor.split("id=\"uncovered\"").nth(1).unwrap();
    assert!(uncovered.contains(&s.receipts[2]));

    // Unpublishing takes it off the public page.
    let res = s
        .drafter
        .submit(
            &path,
            &path,
            &[
                ("rows-0-summary", "デジタル化を求める意見"),
                ("rows-0-view", "計画に反映します。"),
                ("rows-0-ideas", &s.receipts[0]),
                ("action", "unpublish"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(s.app.browser().get(&path).await.status(), 404);

    // Others cannot save.
    let citizen = s.app.signed_in("c@example.jp", Role::Citizen).await;
    let res = citizen
        .submit(
            "/",
            &path,
            &[
                ("rows-0-summary", "x"),
                ("rows-0-view", "y"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn the_report_shows_charts_with_text_alternatives_and_tables_and_prints() {
    let s = setup().await;
    tag_ideas(&s, "madoguchi", &[s.ideas[1]]).await;
    let path = format!("/c/{}/report", s.slug);

    let (status, page) = s.drafter.page(&path).await;
    assert_eq!(status, 200);
    for chart in [
        "chart-daily",
        "chart-sections",
        "chart-tags",
        "chart-statuses",
    ] {
        let svg = page
            .split(&format!("aria-labelledby=\"{chart}-title\""))
            .nth(1)
            .unwrap_or_else(|| panic!("{chart} missing"));
        let svg = &svg[..svg.find("</svg>").unwrap()];
        assert!(
            svg.contains(&format!("<title id=\"{chart}-title\">")),
            "{chart} title"
        );
        assert!(
            svg.contains(&format!("<desc id=\"{chart}-desc\">")),
            "{chart} desc"
        );
        assert!(!svg.contains("style="), "{chart} has no style attribute");
    }
    assert_eq!(page.matches("role=\"img\"").count(), 4);
    assert!(page.contains("<table class=\"chart-data\">"), "data tables");
    assert!(page.contains("窓口"), "tag names in the by-tag table");
    // Totals: three ideas, two supports, by two participants.
    let totals = page.split("class=\"report-totals\"").nth(1).unwrap();
    assert!(totals.contains("<dd>3</dd>") && totals.contains("<dd>2</dd>"));
    assert!(
        page.contains(&s.receipts[0]),
        "most supported lists receipts"
    );

    // The stylesheets linked from the page carry the print rules.
    let css_hrefs: Vec<String> = page
        .split("<link rel=\"stylesheet\" href=\"")
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .map(str::to_owned)
        .collect();
    assert!(!css_hrefs.is_empty());
    let mut css = String::new();
    for href in &css_hrefs {
        css.push_str(&s.drafter.get(href).await.text().await.unwrap());
    }
    let print = css.rfind("@media print").unwrap();
    assert!(css[print..].contains(".report-break"));
    assert!(css[print..].contains("@page"));

    // Citizens wait for the close; anonymous readers are sent to log in.
    let citizen = s.app.signed_in("c@example.jp", Role::Citizen).await;
    assert_eq!(citizen.get(&path).await.status(), 403);
    let res = s.app.browser().get(&path).await;
    assert_eq!(res.status(), 303);
    assert!(location(&res).starts_with("/login"));

    close(&s).await;
    let (status, public) = s.app.browser().page(&path).await;
    assert_eq!(status, 200);
    assert!(public.contains("role=\"img\""));
    assert_eq!(citizen.get(&path).await.status(), 200);
}

#[tokio::test]
async fn the_export_form_downloads_csv_and_xlsx_for_drafters_only() {
    use calamine::{Reader, Xlsx};
    let s = setup().await;
    let form = format!("/c/{}/export", s.slug);
    let (status, page) = s.drafter.page(&form).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("action=\"/c/{}/export/download\"", s.slug)));
    assert!(page.contains("name=\"include_hidden\""));

    // The form's GET, empty filters included, as a browser sends it.
    let download = format!(
        "/c/{}/export/download?format=csv&section=&tag=&status=&from=&to=",
        s.slug
    );
    let res = s.drafter.get(&download).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-disposition"],
        format!("attachment; filename=\"ideabox-{}-export.csv\"", s.slug)
    );
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "a BOM, so Excel reads UTF-8");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.contains("行政のデジタル化を進める"));
    assert!(!text.contains("author@example.jp"));

    // Filters: one section only.
    let res = s
        .drafter
        .get(&format!(
            "/c/{}/export/download?format=csv&section=s2",
            s.slug
        ))
        .await;
    let text = res.text().await.unwrap();
    assert!(!text.contains("行政のデジタル化を進める"));
    assert!(text.contains("データ連携のルール"));

    let res = s
        .drafter
        .get(&format!("/c/{}/export/download?format=xlsx", s.slug))
        .await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(".xlsx\"")
    );
    let bytes = res.bytes().await.unwrap();
    let book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    assert_eq!(book.sheet_names().len(), 5, "{:?}", book.sheet_names());

    // A refused filter shows the form again, next to the field.
    let res = s
        .drafter
        .get(&format!(
            "/c/{}/export/download?format=csv&from=2026-05-02&to=2026-05-01",
            s.slug
        ))
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("href=\"#field-to\""));
    assert!(page.contains("value=\"2026-05-02\""));

    // Citizens and moderators may not export; anonymous readers are sent to log in.
    for (email, role) in [
        ("c@example.jp", Role::Citizen),
        ("m@example.jp", Role::Moderator),
    ] {
        let b = s.app.signed_in(email, role).await;
        assert_eq!(b.get(&form).await.status(), 403, "{role}");
        assert_eq!(b.get(&download).await.status(), 403, "{role}");
    }
    let res = s.app.browser().get(&download).await;
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn the_consultation_page_links_drafters_to_their_pages_and_everyone_to_open_data_after_the_close()
 {
    let s = setup().await;
    let path = format!("/c/{}", s.slug);
    let open_data = format!("/api/v1/consultations/{}/open-data?format=csv", s.slug);

    let (_, public) = s.app.browser().page(&path).await;
    assert!(!public.contains(&open_data));
    assert!(!public.contains(&format!("/c/{}/report", s.slug)));
    let (_, drafter) = s.drafter.page(&path).await;
    for page in ["responses", "disposition", "report", "export"] {
        assert!(
            drafter.contains(&format!("href=\"/c/{}/{page}\"", s.slug)),
            "{page} link"
        );
    }

    close(&s).await;
    let browser = s.app.browser();
    let (_, public) = browser.page(&path).await;
    assert!(public.contains(&format!("href=\"{open_data}\"")));
    assert!(public.contains(&format!(
        "href=\"/api/v1/consultations/{}/open-data?format=json\"",
        s.slug
    )));
    assert!(public.contains(&format!("href=\"/c/{}/report\"", s.slug)));
    assert!(!public.contains(&format!("href=\"/c/{}/export\"", s.slug)));
    let res = browser.get(&open_data).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("open-data.csv")
    );
}
