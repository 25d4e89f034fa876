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
    html::push_html(&mut out, tamed(events).into_iter());
    USER_SANITIZER.clean(&out).to_string()
}

/// Lists and quotes nested deeper than this are flattened into the deepest one kept.
const MAX_NESTING: usize = 16;

/// Events made safe to hand to the HTML sanitiser in time and space proportional to the
/// source: see `without_padded_cells` and `flattened`.
fn tamed<'a>(events: impl IntoIterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    flattened(without_padded_cells(events))
}

/// Keeps at most `MAX_NESTING` lists, list items and block quotes inside one another; deeper
/// ones lose their own element (not their content). `1. ` or `>` repeated a few thousand
/// times nested as deep, and the HTML parser behind the sanitiser spends time on every
/// element in proportion to the depth: seconds of CPU for one 10 kB idea.
fn flattened(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let nests = |tag: &Tag| matches!(tag, Tag::List(_) | Tag::Item | Tag::BlockQuote(_));
    let mut kept: Vec<bool> = Vec::new();
    let mut depth = 0;
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        match &event {
            Event::Start(tag) if nests(tag) => {
                let keep = depth < MAX_NESTING;
                depth += usize::from(keep);
                kept.push(keep);
                if keep {
                    out.push(event);
                }
            }
            Event::End(TagEnd::List(_) | TagEnd::Item | TagEnd::BlockQuote(_)) => {
                if kept.pop().unwrap_or(true) {
                    depth = depth.saturating_sub(1);
                    out.push(event);
                }
            }
            _ => out.push(event),
        }
    }
    out
}

/// Drops the empty cells at the end of table rows. GFM pads every row shorter than the
/// header with empty cells (up to 2^18 per table in pulldown-cmark), so a wide header over
/// many one-character rows turned a few kilobytes of Markdown into megabytes of
/// `<td></td>`. Without the padding every cell stems from at least one byte of the source;
/// browsers lay out short rows just the same.
fn without_padded_cells<'a>(events: impl IntoIterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    let mut empty_cells = 0usize;
    let mut events = events.into_iter().peekable();
    while let Some(event) = events.next() {
        match event {
            Event::Start(Tag::TableCell)
                if matches!(events.peek(), Some(Event::End(TagEnd::TableCell))) =>
            {
                events.next();
                empty_cells += 1;
            }
            Event::Start(Tag::TableCell) => {
                // Empty cells followed by a filled one were written out: keep them.
                for _ in 0..std::mem::take(&mut empty_cells) {
                    out.push(Event::Start(Tag::TableCell));
                    out.push(Event::End(TagEnd::TableCell));
                }
                out.push(event);
            }
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => {
                empty_cells = 0;
                out.push(event);
            }
            other => out.push(other),
        }
    }
    out
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
    html::push_html(&mut out, tamed(out_events).into_iter());
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
    fn short_table_rows_are_not_padded_with_empty_cells() {
        let html = render_user("|a|b|c|\n|-|-|-|\n|1|\n||2|\n");
        assert_eq!(html.matches("<td>").count(), 3, "{html}");
        assert!(html.contains("<tr><td></td><td>2</td></tr>"), "{html}");
        // A wide header over many one-character rows stays small.
        let source = format!(
            "{}|\n{}|\n{}",
            "|a".repeat(1600),
            "|-".repeat(1600),
            "a\n".repeat(1600)
        );
        assert!(render_user(&source).len() < 40 * source.len());
        assert!(render_plan(&source).0.len() < 40 * source.len());
    }

    #[test]
    fn deep_nesting_is_flattened() {
        let html = render_user(&format!("{}deep", "1. ".repeat(3000)));
        assert_eq!(html.matches("<ol>").count(), MAX_NESTING / 2, "{html}");
        assert_eq!(html.matches("<ol>").count(), html.matches("</ol>").count());
        assert!(html.contains("deep"));
        let html = render_user(&format!("{}quoted", ">".repeat(3000)));
        assert_eq!(html.matches("<blockquote>").count(), MAX_NESTING);
        assert!(html.contains("quoted"));
        let html = render_user("> - a\n>   > b\n");
        assert_eq!(
            html.replace('\n', ""),
            "<blockquote><ul><li>a<blockquote><p>b</p></blockquote></li></ul></blockquote>"
        );
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
