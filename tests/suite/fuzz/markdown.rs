//! The Markdown renderer and sanitiser, for arbitrary and adversarial input: the output,
//! read back by an HTML5 parser, holds only allowed elements and attributes, no event
//! handler, no style, and only http(s), mailto or relative links; it never panics, and the
//! output stays in proportion to the input.

use ideabox::domain::markdown::{plain_text, render_plan, render_user};
use proptest::prelude::*;
use scraper::Html;
use scraper::node::Node;

use super::{config, hostile, scaled_config, slow_config};

/// What citizens' Markdown may produce (SECURITY.md, "User content").
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

/// Never, in any namespace, whatever the allow-list says.
const FORBIDDEN_TAGS: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "base",
    "meta",
    "link",
    "img",
    "video",
    "audio",
    "source",
    "template",
    "noscript",
    "xmp",
    "plaintext",
    "title",
];

/// Output bytes allowed per input byte, plus a constant. The biggest honest expansions are
/// about 27 to 1: each `>` of nested quotes opens and closes a `<blockquote>`.
const MAX_GROWTH: usize = 32;
const GROWTH_SLACK: usize = 512;

/// The scheme a browser would see in a URL attribute (WHATWG URL parsing: leading and
/// trailing C0 controls and spaces are dropped, tabs and newlines removed anywhere), or
/// `None` for a relative URL.
fn scheme(value: &str) -> Option<String> {
    let cleaned: String = value
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let mut chars = cleaned.chars();
    let first = chars.next()?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    let mut scheme = first.to_ascii_lowercase().to_string();
    for c in chars {
        match c {
            ':' => return Some(scheme),
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                scheme.push(c.to_ascii_lowercase())
            }
            _ => return None,
        }
    }
    None
}

fn safe_url(value: &str) -> bool {
    scheme(value).is_none_or(|s| matches!(s.as_str(), "http" | "https" | "mailto"))
}

/// Reads `html` as a browser would and checks every element and attribute against the
/// allow-list: `tags`, and `attrs` as (element, attribute) pairs.
fn check_html(html: &str, tags: &[&str], attrs: &[(&str, &str)]) -> Result<(), String> {
    let doc = Html::parse_fragment(html);
    for node in doc.tree.nodes() {
        match node.value() {
            Node::Element(el) => {
                let name = el.name().to_ascii_lowercase();
                // The fragment parser's own wrapper (`html`, in which the output is read
                // as `body` content); a `<body>` or `<html>` tag in the output itself is
                // dropped by that parser, so this hides nothing.
                let wrapper = node.ancestors().all(|a| {
                    a.value().is_fragment()
                        || a.value().as_element().is_some_and(|e| e.name() == "html")
                });
                if matches!(name.as_str(), "html" | "body")
                    && wrapper
                    && el.attrs().next().is_none()
                {
                    continue;
                }
                if FORBIDDEN_TAGS.contains(&name.as_str()) {
                    return Err(format!("<{name}> survived"));
                }
                if &*el.name.ns != "http://www.w3.org/1999/xhtml" {
                    return Err(format!("<{name}> in a foreign namespace ({})", el.name.ns));
                }
                if !tags.contains(&name.as_str()) {
                    return Err(format!("<{name}> is not on the allow-list"));
                }
                for (attr, value) in el.attrs() {
                    let attr = attr.to_ascii_lowercase();
                    if attr.starts_with("on") {
                        return Err(format!("event handler {attr} on <{name}>"));
                    }
                    if attr == "style" {
                        return Err(format!("style attribute on <{name}>"));
                    }
                    let allowed = (name == "a" && attr == "rel")
                        || attrs.contains(&(name.as_str(), attr.as_str()));
                    if !allowed {
                        return Err(format!("attribute {attr} on <{name}>"));
                    }
                    if matches!(
                        attr.as_str(),
                        "href" | "src" | "action" | "formaction" | "xlink:href"
                    ) && !safe_url(value)
                    {
                        return Err(format!("unsafe {attr}={value:?} on <{name}>"));
                    }
                }
                if name == "a" && el.attr("href").is_some() {
                    let rel = el.attr("rel").unwrap_or("");
                    for word in ["nofollow", "ugc", "noopener"] {
                        if !rel.split_whitespace().any(|w| w == word) {
                            return Err(format!("link without rel {word}: {rel:?}"));
                        }
                    }
                }
            }
            Node::Comment(_) => return Err("a comment survived".to_owned()),
            Node::ProcessingInstruction(_) => {
                return Err("a processing instruction survived".to_owned());
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_user(input: &str) -> Result<String, String> {
    let html = render_user(input);
    check_html(&html, USER_TAGS, &[("a", "href"), ("ol", "start")])
        .map_err(|e| format!("{e}\ninput: {input:?}\noutput: {html}"))?;
    let bound = MAX_GROWTH * input.len() + GROWTH_SLACK;
    if html.len() > bound {
        return Err(format!(
            "{} bytes of output for {} of input\ninput: {input:?}",
            html.len(),
            input.len()
        ));
    }
    Ok(html)
}

fn check_plan(input: &str) -> Result<(), String> {
    let (html, sections) = render_plan(input);
    let mut tags = USER_TAGS.to_vec();
    tags.push("h2");
    let attrs = [
        ("a", "href"),
        ("ol", "start"),
        ("h2", "id"),
        ("h3", "id"),
        ("h4", "id"),
    ];
    check_html(&html, &tags, &attrs).map_err(|e| format!("{e}\ninput: {input:?}\n{html}"))?;
    if html.len() > MAX_GROWTH * input.len() + GROWTH_SLACK {
        return Err(format!("{} bytes from {}", html.len(), input.len()));
    }
    for (i, s) in sections.iter().enumerate() {
        let well_formed = s.position == i as i32 + 1
            && matches!(s.level, 1 | 2)
            && s.key.starts_with('s')
            && s.key[1..]
                .split('-')
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if !well_formed {
            return Err(format!("odd section {s:?}\ninput: {input:?}"));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn user_markdown_from_hostile_pieces_is_safe(input in hostile(24)) {
        check_user(&input).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn user_markdown_from_any_text_is_safe(input in any::<String>()) {
        check_user(&input).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn plans_from_hostile_pieces_are_safe(
        input in (hostile(16), prop::collection::vec("#{1,6} [^\n]{0,12}\n", 0..6))
            .prop_map(|(a, h)| format!("{a}\n{}", h.concat()))
    ) {
        check_plan(&input).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn plain_text_is_bounded(input in hostile(16), max in 0usize..200) {
        let text = plain_text(&input, max);
        prop_assert!(text.chars().count() <= max.max(1), "{} chars for max {max}", text.chars().count());
    }
}

proptest! {
    // Large inputs: a tenth of PROPTEST_CASES.
    #![proptest_config(slow_config(16))]

    /// Deep nesting and long runs of one construct stay linear.
    #[test]
    fn repeated_constructs_stay_in_proportion(
        unit in prop::sample::select(&[
            ">", "- ", "* ", "1. ", "[", "](", "<a>", "<", "*", "_", "`", "~~", "|", "|-",
            "\\", "&amp;", "<x:y>", "[a]: b\n", "[a]", "[a][a]", "\n", "    ", "# ",
        ][..]),
        count in 1usize..1500,
        tail in hostile(4),
    ) {
        let input = format!("{}{tail}", unit.repeat(count));
        check_user(&input).map_err(TestCaseError::fail)?;
    }

    /// A wide table header and many short rows: rows are padded to the header's width.
    #[test]
    fn wide_tables_stay_in_proportion(cols in 1usize..160, rows in 1usize..160, cell in "[a-z|]{0,3}") {
        let input = format!(
            "{}|\n{}|\n{}",
            "|a".repeat(cols),
            "|-".repeat(cols),
            format!("{cell}\n").repeat(rows)
        );
        check_user(&input).map_err(TestCaseError::fail)?;
    }
}

proptest! {
    // Up to 100 kB of output each: a fiftieth of PROPTEST_CASES.
    #![proptest_config(scaled_config(4, 50))]

    /// Link references copy their address at every use; pulldown-cmark stops expanding
    /// them after `max(input length, 100 000)` bytes of addresses and titles.
    #[test]
    fn link_references_stay_bounded(
        url_len in 0usize..1500,
        uses in 1usize..1500,
        image in any::<bool>(),
    ) {
        let input = format!(
            "[r]: https://example.jp/{} \"{}\"\n\n{}",
            "x".repeat(url_len),
            "t".repeat(url_len / 2),
            if image { "![r]" } else { "[r]" }.repeat(uses)
        );
        let html = render_user(&input);
        check_html(&html, USER_TAGS, &[("a", "href"), ("ol", "start")]).map_err(TestCaseError::fail)?;
        let bound = MAX_GROWTH * input.len() + GROWTH_SLACK + input.len().max(100_000);
        prop_assert!(html.len() <= bound, "{} bytes from {}", html.len(), input.len());
    }
}

// Regressions found by the properties above.

/// A 14-column header over 204 one-letter rows gave 28 144 bytes of HTML for 468 of
/// Markdown: every short row was padded to the header's width (up to 2^18 cells a table).
#[test]
fn regression_short_rows_under_a_wide_header_are_not_padded() {
    let input = format!(
        "{}|\n{}|\n{}",
        "|a".repeat(14),
        "|-".repeat(14),
        "a\n".repeat(204)
    );
    assert_eq!(input.len(), 468);
    let html = check_user(&input).unwrap_or_else(|e| panic!("{e}"));
    assert!(html.len() < 12 * input.len(), "{} bytes", html.len());
    // At the largest body an idea may have, the output stays small too.
    let input = format!(
        "{}|\n{}|\n{}",
        "|a".repeat(1666),
        "|-".repeat(1666),
        "a\n".repeat(1666)
    );
    let html = check_user(&input).unwrap_or_else(|e| panic!("{e}"));
    assert!(html.len() < 12 * input.len(), "{} bytes", html.len());
}

/// Element depth of `html` as a browser reads it.
fn depth(html: &str) -> usize {
    let doc = Html::parse_fragment(html);
    doc.tree
        .nodes()
        .map(|n| n.ancestors().count())
        .max()
        .unwrap_or(0)
}

/// "1. " repeated 3 000 times nested ordered lists 3 000 deep: the sanitiser's HTML parser
/// took time in proportion to the depth for each of them (2.7 s in a debug build for
/// 9 kB). Markdown lists and quotes now nest at most 16 deep; the content stays.
#[test]
fn regression_deeply_nested_lists_and_quotes_are_flattened() {
    for unit in ["1. ", ">", "- ", "* > "] {
        let input = format!("{}end", unit.repeat(3000));
        let html = check_user(&input).unwrap_or_else(|e| panic!("{e}"));
        assert!(depth(&html) <= 24, "{unit:?}: {} deep", depth(&html));
        assert!(html.contains("end"), "{unit:?}");
    }
}

#[test]
fn urls_are_judged_as_browsers_judge_them() {
    for bad in [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "\u{1}java\tscript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
    ] {
        assert!(!safe_url(bad), "{bad:?}");
    }
    for good in [
        "https://example.jp/",
        "mailto:a@example.jp",
        "/ideas/1",
        "#x",
        "?q=a:b",
        "java%00script:x",
        "",
    ] {
        assert!(safe_url(good), "{good:?}");
    }
    assert!(
        check_html(
            "<a href=\"jav&#x09;ascript:x\">x</a>",
            &["a"],
            &[("a", "href")]
        )
        .is_err()
    );
    assert!(check_html("<p style=\"x\">x</p>", &["p"], &[]).is_err());
    assert!(check_html("<svg><p>x</p></svg>", &["p", "svg"], &[]).is_err());
}
