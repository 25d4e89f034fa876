//! `/c/{slug}/feed.atom`: an Atom 1.0 feed of a consultation's newest ideas.

use std::fmt::Write;

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;

use crate::domain::lang::Lang;
use crate::domain::time::rfc3339;
use crate::error::AppError;
use crate::http::state::AppState;
use crate::i18n;
use crate::services::ideas;
use crate::web::page::PageContext;
use crate::web::share_links::xml_escape;

/// How many ideas the feed carries.
pub const FEED_ENTRIES: i64 = 50;

/// One entry of the feed, already in plain text.
pub struct FeedEntry {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub author: Option<String>,
    pub published: NaiveDateTime,
    pub updated: NaiveDateTime,
}

/// Writes the feed document. Every text goes through `xml_escape`; links are absolute.
pub fn atom(
    lang: Lang,
    origin: &str,
    slug: &str,
    title: &str,
    fallback_updated: NaiveDateTime,
    entries: &[FeedEntry],
) -> String {
    let page = format!("{origin}/c/{slug}");
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or(fallback_updated);
    let deleted = i18n::text(lang, "author-deleted");
    let mut xml = String::with_capacity(1024 + entries.len() * 600);
    // Writing to a String cannot fail.
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n\
         <title>{title}</title>\n<subtitle>{subtitle}</subtitle>\n<id>{id}</id>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{self_link}\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{page}\"/>\n<updated>{updated}</updated>\n\
         <author><name>IdeaBox</name></author>\n<generator>IdeaBox</generator>\n",
        lang = lang.as_str(),
        title = xml_escape(title),
        subtitle = xml_escape(&i18n::text(lang, "feed-subtitle")),
        id = xml_escape(&format!("{page}/feed.atom")),
        self_link = xml_escape(&format!("{page}/feed.atom")),
        page = xml_escape(&page),
        updated = rfc3339(updated),
    );
    for e in entries {
        let link = format!("{origin}/ideas/{}", e.id);
        let _ = write!(
            xml,
            "<entry>\n<title>{title}</title>\n<id>{link}</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/>\n\
             <published>{published}</published>\n<updated>{updated}</updated>\n<author><name>{author}</name></author>\n\
             <summary>{summary}</summary>\n</entry>\n",
            title = xml_escape(&e.title),
            link = xml_escape(&link),
            published = rfc3339(e.published),
            updated = rfc3339(e.updated),
            author = xml_escape(e.author.as_deref().unwrap_or(&deleted)),
            summary = xml_escape(&e.summary),
        );
    }
    xml.push_str("</feed>\n");
    xml
}

#[tracing::instrument(skip_all)]
pub async fn consultation_feed(
    state: web::Data<AppState>,
    page: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (consultation, items) = ideas::newest(&state, &path, FEED_ENTRIES).await?;
    let entries: Vec<FeedEntry> = items
        .into_iter()
        .map(|d| FeedEntry {
            id: d.summary.id,
            updated: d.edited_at.unwrap_or(d.summary.created_at),
            published: d.summary.created_at,
            title: d.summary.title,
            summary: d.summary.excerpt,
            author: d.summary.author.display_name,
        })
        .collect();
    let body = atom(
        page.lang,
        &state.settings.origin(),
        &consultation.slug,
        &consultation.title,
        consultation.updated_at,
        &entries,
    );
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "application/atom+xml; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "public, max-age=300"))
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 27)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn feed_is_escaped_and_dated() {
        let entries = [FeedEntry {
            id: 7,
            title: "<script> & \"quotes\"".into(),
            summary: "a < b".into(),
            author: None,
            published: at(1),
            updated: at(2),
        }];
        let xml = atom(
            Lang::En,
            "https://ideabox.example",
            "plan",
            "Plan & <b>",
            at(0),
            &entries,
        );
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
        assert!(xml.contains("<title>Plan &amp; &lt;b&gt;</title>"));
        assert!(xml.contains("<title>&lt;script&gt; &amp; &quot;quotes&quot;</title>"));
        assert!(xml.contains("<summary>a &lt; b</summary>"));
        assert!(xml.contains("<id>https://ideabox.example/ideas/7</id>"));
        assert!(xml.contains("<updated>2026-11-27T02:00:00Z</updated>"));
        assert!(xml.contains("<published>2026-11-27T01:00:00Z</published>"));
        assert!(!xml.contains("<script>"));
        assert_eq!(xml.matches("<entry>").count(), 1);
        assert!(xml.trim_end().ends_with("</feed>"));
    }

    #[test]
    fn empty_feed_uses_the_consultation_date() {
        let xml = atom(Lang::Ja, "http://x", "p", "t", at(5), &[]);
        assert!(xml.contains("<updated>2026-11-27T05:00:00Z</updated>"));
        assert!(!xml.contains("<entry>"));
    }
}
