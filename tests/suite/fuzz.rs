//! Property-based fuzzing: generated hostile input against the Markdown renderer and
//! sanitiser, search query handling, and request parsing over HTTP.
//!
//! `PROPTEST_CASES` sets how many cases each property tries (proptest's own variable). The
//! defaults keep `cargo test` fast; CI runs more (`.ci/run`), and a long local run is e.g.
//! `PROPTEST_CASES=100000 cargo test --test suite fuzz::markdown`. Every failure found is
//! kept as a plain `#[test]` with the literal input, next to the property that found it.
//!
//! - `fuzz::markdown` and `fuzz::search_text`: pure functions, no database (fast).
//! - `fuzz::search_db`: query building against a real database, without HTTP.
//! - `fuzz::http`: queries, forms and JSON bodies against the running application.

mod http;
mod markdown;
mod search_db;
mod search_text;

use proptest::prelude::*;
use proptest::test_runner::Config;

/// Cases per property: `PROPTEST_CASES` when set, else `default`.
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// Proptest settings with `default` cases unless `PROPTEST_CASES` says otherwise.
pub fn config(default: u32) -> Config {
    Config {
        cases: cases(default),
        ..Config::default()
    }
}

/// For slow properties (large inputs, HTTP): a tenth of `PROPTEST_CASES` when set (but not
/// below `default` unless asked for fewer), else `default`.
pub fn slow_config(default: u32) -> Config {
    scaled_config(default, 10)
}

/// `PROPTEST_CASES / divisor` cases when set (but not below `default` unless asked for
/// fewer), else `default`.
pub fn scaled_config(default: u32, divisor: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.trim().parse::<u32>().ok())
        .map_or(default, |n| (n / divisor).max(default.min(n)));
    Config {
        cases: cases.max(1),
        ..Config::default()
    }
}

/// Links and sources an attacker would try, with case, whitespace, control character,
/// entity and percent-encoding tricks, and some harmless ones.
pub const URLS: &[&str] = &[
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\u{0}script:alert(1)",
    "\u{1}javascript:alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "javascript&#x3A;alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)",
    "&#0000106&#0000097vascript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "jav&#x0A;ascript:alert(1)",
    "jav&NewLine;ascript:alert(1)",
    "jav&Tab;ascript:alert(1)",
    "%6Aavascript:alert(1)",
    "javascript%3Aalert(1)",
    "\\u006Aavascript:alert(1)",
    "javascript://%0Aalert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "livescript:alert(1)",
    "file:///etc/passwd",
    "ftp://example.jp/",
    "blob:https://example.jp/x",
    "filesystem:https://example.jp/x",
    "intent://x#Intent;end",
    "//evil.example/",
    "\\\\evil.example\\",
    "https://example.jp/ok",
    "http://example.jp/?a=1&b=2",
    "HTTPS://EXAMPLE.JP/",
    "mailto:someone@example.jp",
    "MAILTO:someone@example.jp",
    "/ideas/1",
    "#comment-1",
    "?q=x",
    "relative/path",
    "",
];

/// Pieces of HTML and Markdown that carry active content or confuse parsers.
pub const FRAGMENTS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"x\" oNeRrOr=\"alert(1)\"/>",
    "<IMG SRC=\"jav&#x09;ascript:alert(1);\">",
    "<svg onload=alert(1)><circle r=1/></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<svg><animate attributeName=href to=javascript:alert(1) /></svg>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\">",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<applet code=x>",
    "<frameset><frame src=javascript:alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    "<p style=\"color:red;background:url(javascript:alert(1))\">styled</p>",
    "<div STYLE=\"x:expression(alert(1))\">",
    "<p onclick=\"alert(1)\">click</p>",
    "<a href=\"javascript:alert(1)\" onmouseover=alert(1)>a</a>",
    "<a href='vbscript:msgbox(1)'>b</a>",
    "<a href=data:text/html,x>c</a>",
    "<a href=\" &#14;  javascript:alert(1)\">d</a>",
    "<a href=javascript&colon;alert(1)>e</a>",
    "<a/href=javascript:alert(1)>f</a>",
    "<a href=\"https://ok.example\" target=_blank>g</a>",
    "<form action=javascript:alert(1)><button formaction=javascript:alert(1)>x</button></form>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<base href=\"javascript:/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<template><script>alert(1)</script></template>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "<xmp><script>alert(1)</script></xmp>",
    "<plaintext>",
    "<textarea><script>alert(1)</script></textarea>",
    "<title><script>alert(1)</script></title>",
    "<marquee onstart=alert(1)>",
    "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
    "<td onmouseover=alert(1)>",
    "<ol start=\"javascript:alert(1)\" onclick=alert(1)><li>x</li></ol>",
    "<h2 id=\"x\" onclick=alert(1)>h</h2>",
    "<!-- <script>alert(1)</script> -->",
    "<!--><script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<?xml version=\"1.0\"?>",
    "<!DOCTYPE html>",
    "<div><p><b>unclosed",
    "</div></p></b>",
    "<<script>>",
    "<a href=\"",
    "\" onerror=\"alert(1)",
    "' onmouseover='alert(1)",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\u{FF1C}script\u{FF1E}",
    "\u{0}",
    "\u{FEFF}",
    "\u{202E}",
    "\u{200B}",
    "\r\n",
    "\n\n",
    "```\n",
    "```html\n<script>alert(1)</script>\n```\n",
    "    <script>alert(1)</script>\n",
    "`<script>`",
    "> ",
    "- ",
    "1. ",
    "2147483648. ",
    "# ",
    "###### ",
    "---\n",
    "***",
    "~~",
    "|a|b|\n|-|-|\n|<script>|x|\n",
    "\\",
    "[",
    "]",
    "](",
    ")",
    "<",
    ">",
    "\"",
    "'",
    "=",
    "&",
    "&#",
    ";",
    "行政のデジタル化",
    "ｊａｖａｓｃｒｉｐｔ：",
];

/// A link, image, autolink, reference or raw HTML attribute using `url`.
fn with_url(url: &'static str) -> BoxedStrategy<String> {
    prop_oneof![
        Just(format!("[link]({url})")),
        Just(format!("[link](<{url}>)")),
        Just(format!("[link]({url} \"title\")")),
        Just(format!("![image]({url})")),
        Just(format!("<{url}>")),
        Just(format!("[ref]\n\n[ref]: {url}\n")),
        Just(format!("[x][r]\n\n[r]: <{url}> 'title'\n")),
        Just(format!("<a href=\"{url}\">raw</a>")),
        Just(format!("<a href='{url}'>raw</a>")),
        Just(format!("<a href={url}>raw</a>")),
        Just(format!("<img src=\"{url}\">")),
        Just(format!("<iframe src=\"{url}\"></iframe>")),
        Just(format!("<form action=\"{url}\">")),
        Just(format!("<svg><a href=\"{url}\">s</a></svg>")),
        Just(format!("[![img]({url})]({url})")),
        Just(url.to_owned()),
    ]
    .boxed()
}

/// One piece of hostile input.
pub fn piece() -> BoxedStrategy<String> {
    prop_oneof![
        3 => prop::sample::select(FRAGMENTS).prop_map(str::to_owned),
        3 => prop::sample::select(URLS).prop_flat_map(with_url),
        2 => any::<String>().prop_map(|s| s.chars().take(24).collect()),
        1 => "[a-zA-Z0-9 <>/=\"'&#;:()\\[\\]!*_`~|\\-\n]{0,24}",
        1 => "[\\u{0}-\\u{1f}\\u{7f}-\\u{9f}\\u{200b}-\\u{200f}\\u{2028}\\u{2029}\\u{feff}]{1,4}",
    ]
    .boxed()
}

/// Hostile input: many pieces put together.
pub fn hostile(max_pieces: usize) -> BoxedStrategy<String> {
    prop::collection::vec(piece(), 0..max_pieces)
        .prop_map(|parts| parts.concat())
        .boxed()
}

/// Search text: operators, quotes, wildcards, FTS and LIKE syntax, odd Unicode.
pub fn query_text() -> BoxedStrategy<String> {
    const SYNTAX: &[&str] = &[
        "\"",
        "\"\"",
        "'",
        "''",
        "%",
        "_",
        "\\",
        "\\%",
        "*",
        "-",
        "+",
        "^",
        ":",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "NEAR(",
        "NEAR(a b, 2)",
        "title:",
        "body:",
        "ideas_fts",
        "MATCH",
        "' OR 1=1 --",
        "\"; DROP TABLE ideas; --",
        "$1",
        "?",
        "?1",
        "%_%",
        "\\\\",
        "&",
        "|",
        "!",
        "~",
        "<->",
        ":*",
        "\u{0}",
        "\t",
        "\n",
        "\u{3000}",
        "\u{85}",
        "\u{a0}",
        "\u{200b}",
        "\u{feff}",
        "\u{202e}",
        "\u{fffd}",
        "\u{10ffff}",
        "\u{1F600}",
        "ﾃﾞｼﾞﾀﾙ",
        "ＤＸ",
        "デジタル",
        "行政",
        "手続",
        "ǅ",
        "ß",
        "İ",
        "ﬁ",
        "e\u{301}",
        "\u{301}",
        "\u{ff05}",
        "\u{ff3f}",
        "\u{2003}",
        "a",
        "ab",
        "abc",
    ];
    let token = prop_oneof![
        3 => prop::sample::select(SYNTAX).prop_map(str::to_owned),
        2 => any::<String>().prop_map(|s| s.chars().take(12).collect()),
        1 => "[a-z%_*\"'\\\\ ]{1,8}",
    ];
    prop_oneof![
        8 => prop::collection::vec(token, 0..12).prop_map(|v| v.join(" ")),
        1 => prop::collection::vec(prop::sample::select(SYNTAX), 0..8).prop_map(|v| v.concat()),
        1 => ("[a-zあ%_\"* ]{1,3}", 50..400usize).prop_map(|(s, n)| s.repeat(n)),
    ]
    .boxed()
}
