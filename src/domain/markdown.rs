//! Markdown to safe HTML: rendered with pulldown-cmark, then sanitised with an allow-list
//! (ammonia), so no script, style, frame, form, event handler or non-http(s)/mailto link
//! survives, whatever the input.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

const USER_TAGS: &[&str] = &[
    "p",
    "br",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
];

fn builder(extra_tags: &[&'static str], heading_ids: bool) -> ammonia::Builder<'static> {
    let mut tags: HashSet<&'static str> = USER_TAGS.iter().copied().collect();
    tags.extend(extra_tags.iter().copied());
    let mut attributes: HashMap<&'static str, HashSet<&'static str>> = HashMap::new();
    attributes.insert("a", HashSet::from(["href"]));
    attributes.insert("ol", HashSet::from(["start"]));
    if heading_ids {
        for h in ["h2", "h3", "h4"] {
            attributes.insert(h, HashSet::from(["id"]));
        }
    }
    let mut b = ammonia::Builder::default();
    b.tags(tags)
        .tag_attributes(attributes)
        .generic_attributes(HashSet::new())
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("nofollow ugc noopener"))
        .strip_comments(true);
    b
}

static USER_SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| builder(&[], false));
static PLAN_SANITIZER: LazyLock<ammonia::Builder<'static>> =
    LazyLock::new(|| builder(&["h2"], true));

fn options() -> Options {
    Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES
}

/// Renders a citizen's Markdown (ideas, comments) to sanitised HTML. Headings are demoted so
/// that user content never competes with the page's own headings.
pub fn render_user(source: &str) -> String {
    let events = Parser::new_ext(source, options()).map(|event| match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        other => other,
    });
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, events);
    USER_SANITIZER.clean(&out).to_string()
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 | HeadingLevel::H2 | HeadingLevel::H3 => HeadingLevel::H3,
        HeadingLevel::H4 => HeadingLevel::H4,
        HeadingLevel::H5 => HeadingLevel::H5,
        HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// One numbered part of a draft plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// Stable key from the numbering: `s2` for the second section, `s2-1` for its first part.
    pub key: String,
    pub heading: String,
    /// 1 for a section, 2 for a sub-section.
    pub level: i32,
    pub position: i32,
}

/// Splits a plan into sections by its headings and renders it with an anchor on each heading.
/// The shallowest heading level used becomes a section, the next one a sub-section.
pub fn render_plan(source: &str) -> (String, Vec<Section>) {
    let events: Vec<Event> = Parser::new_ext(source, options()).collect();
    let levels: Vec<HeadingLevel> = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(*level),
            _ => None,
        })
        .collect();
    let top = levels.iter().min().copied();
    let sub = top.and_then(|t| levels.iter().filter(|l| **l > t).min().copied());

    let mut sections = Vec::new();
    let (mut major, mut minor) = (0, 0);
    let mut out_events = Vec::with_capacity(events.len());
    let mut capturing: Option<(String, i32, HeadingLevel)> = None;
    let mut heading_text = String::new();
    for event in events {
        match event {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) if Some(level) == top || Some(level) == sub => {
                let (key, depth) = if Some(level) == top {
                    major += 1;
                    minor = 0;
                    (format!("s{major}"), 1)
                } else {
                    minor += 1;
                    (format!("s{}-{minor}", major.max(1)), 2)
                };
                // Plans render their sections as h2/h3 whatever the source used.
                let shown = if depth == 1 {
                    HeadingLevel::H2
                } else {
                    HeadingLevel::H3
                };
                heading_text.clear();
                capturing = Some((key.clone(), depth, shown));
                out_events.push(Event::Start(Tag::Heading {
                    level: shown,
                    id: Some(key.into()),
                    classes,
                    attrs,
                }));
            }
            Event::End(TagEnd::Heading(_)) if capturing.is_some() => {
                if let Some((key, depth, shown)) = capturing.take() {
                    sections.push(Section {
                        key,
                        heading: heading_text.trim().to_owned(),
                        level: depth,
                        position: sections.len() as i32 + 1,
                    });
                    out_events.push(Event::End(TagEnd::Heading(shown)));
                }
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => out_events.push(Event::Start(Tag::Heading {
                level: level.max(HeadingLevel::H4),
                id,
                classes,
                attrs,
            })),
            Event::End(TagEnd::Heading(level)) => {
                out_events.push(Event::End(TagEnd::Heading(level.max(HeadingLevel::H4))))
            }
            Event::Text(ref t) | Event::Code(ref t) if capturing.is_some() => {
                heading_text.push_str(t);
                out_events.push(event);
            }
            other => out_events.push(other),
        }
    }
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, out_events.into_iter());
    (PLAN_SANITIZER.clean(&out).to_string(), sections)
}

/// Plain text of Markdown, for summaries, feeds and meta descriptions.
pub fn plain_text(source: &str, max_chars: usize) -> String {
    let mut text = String::new();
    for event in Parser::new_ext(source, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
            _ => {}
        }
    }
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= max_chars {
        collapsed
    } else {
        let mut cut: String = collapsed
            .chars()
            .take(max_chars.saturating_sub(1))
            .collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_markdown_loses_every_active_part() {
        let hostile = r#"<script>alert(1)</script>
<img src=x onerror=alert(1)>
<a href="javascript:alert(1)">click</a>
[md link](javascript:alert(1))
<iframe src="https://evil.example"></iframe>
<svg onload=alert(1)><circle/></svg>
<math><mi>x</mi></math>
<form action="https://evil.example"><input name=x></form>
<style>body{display:none}</style>
<p onclick="alert(1)" style="color:red">para</p>
<base href="https://evil.example"><meta http-equiv="refresh" content="0">
[data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox)"#;
        let html = render_user(hostile).to_lowercase();
        // Text that merely mentions a scheme is harmless; a link using it is not.
        for bad in [
            "<script",
            "onerror",
            "onclick",
            "href=\"javascript:",
            "<iframe",
            "<svg",
            "<math",
            "<form",
            "<input",
            "<style",
            "style=",
            "<base",
            "<meta",
            "href=\"data:",
            "href=\"vbscript:",
            "<img",
        ] {
            assert!(!html.contains(bad), "{bad} survived: {html}");
        }
        assert!(html.contains("para"));
    }

    #[test]
    fn links_are_marked_user_generated() {
        let html = render_user("[ministry](https://www.digital.go.jp/) and <mailto:a@example.jp>");
        assert!(html.contains(r#"href="https://www.digital.go.jp/""#));
        assert!(html.contains(r#"rel="nofollow ugc noopener""#));
        assert!(html.contains("mailto:a@example.jp"));
    }

    #[test]
    fn ordinary_formatting_survives() {
        let html = render_user("# 見出し\n\n**太字** と *斜体*\n\n- 一\n- 二\n\n> 引用\n\n`code`");
        for good in [
            "<h3>見出し</h3>",
            "<strong>太字</strong>",
            "<em>斜体</em>",
            "<li>一</li>",
            "<blockquote>",
            "<code>code</code>",
        ] {
            assert!(html.contains(good), "{good} missing: {html}");
        }
    }

    #[test]
    fn plan_headings_become_numbered_sections_with_anchors() {
        let plan = "Intro\n\n## 1. デジタルファースト\n\ntext\n\n### 細目\n\nmore\n\n## 2. ワンスオンリー\n\n## 3. コネクテッド・ワンストップ\n";
        let (html, sections) = render_plan(plan);
        let keys: Vec<&str> = sections.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["s1", "s1-1", "s2", "s3"]);
        assert_eq!(sections[0].heading, "1. デジタルファースト");
        assert_eq!(sections[1].level, 2);
        assert!(
            html.contains(r#"<h2 id="s1">1. デジタルファースト</h2>"#),
            "{html}"
        );
        assert!(html.contains(r#"<h3 id="s1-1">細目</h3>"#), "{html}");
    }

    #[test]
    fn plans_using_h1_still_get_sections() {
        let (_, sections) = render_plan("# A\n\n# B\n\n## B.1\n");
        let keys: Vec<&str> = sections.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["s1", "s2", "s2-1"]);
    }

    #[test]
    fn plain_text_is_cut_on_characters() {
        assert_eq!(
            plain_text("**行政の** デジタル化", 100),
            "行政の デジタル化"
        );
        assert_eq!(plain_text("あいうえお", 3), "あい…");
    }
}
