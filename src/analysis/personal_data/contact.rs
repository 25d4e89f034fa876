//! E-mail addresses, personal URLs and telephone numbers.

use std::sync::LazyLock;

use regex::Regex;

use super::finding::{Candidate, Kind};
use super::text::{
    ascii_digits, chars_before, digit_run_continues_after, digit_run_continues_before,
};

/// Confidence of a well-formed e-mail address.
const EMAIL_CONFIDENCE: f32 = 0.97;
/// Confidence of an e-mail address written with (at)/[at] obfuscation.
const OBFUSCATED_EMAIL_CONFIDENCE: f32 = 0.9;
/// Confidence of an e-mail address spelled out ("taro at example dot com").
const SPELLED_EMAIL_CONFIDENCE: f32 = 0.7;
/// Confidence of a social-network profile URL.
const URL_PROFILE_CONFIDENCE: f32 = 0.75;
/// Confidence of a URL on a personal blog host.
const URL_BLOG_CONFIDENCE: f32 = 0.7;
/// Confidence of a URL whose host name says it is a blog or diary (tanaka-blog.jp).
const URL_BLOG_NAME_CONFIDENCE: f32 = 0.5;
/// Words in a host name that mark a personal blog or diary.
const BLOG_HOST_WORDS: &[&str] = &["blog", "diary", "nikki", "weblog"];
/// Confidence of a URL whose path names a user (~user, /users/…).
const URL_USER_PATH_CONFIDENCE: f32 = 0.65;
/// Confidence of a URL whose host or path spells the submitter's name.
const URL_NAMED_CONFIDENCE: f32 = 0.6;
/// Shortest romanised name part looked for inside URLs.
const MIN_URL_NAME_CHARS: usize = 4;
/// Confidence of a URL whose query carries an e-mail or a user id.
const URL_QUERY_CONFIDENCE: f32 = 0.6;
/// Confidence of a phone number with a telephone keyword just before it.
const PHONE_WITH_CONTEXT_CONFIDENCE: f32 = 0.95;
/// Confidence of a separated Japanese number without keyword.
const PHONE_SEPARATED_CONFIDENCE: f32 = 0.88;
/// Confidence of an unseparated digit run that is a valid Japanese number.
const PHONE_CONTIGUOUS_CONFIDENCE: f32 = 0.75;
/// Confidence of a non-Japanese international number.
const PHONE_FOREIGN_CONFIDENCE: f32 = 0.75;
/// How many chars before a number are searched for a telephone keyword.
const PHONE_CONTEXT_CHARS: usize = 12;
/// Digit count range of a full international number including the country code.
const FOREIGN_PHONE_DIGITS: std::ops::RangeInclusive<usize> = 8..=15;

// Regex literals below are compiled once; they are constant and known to be valid.

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        [A-Za-z0-9](?:[A-Za-z0-9._%+\-]*[A-Za-z0-9_\-])?
        (?P<at> @ | \ ?[\(\[<\{](?:at|AT)[\)\]>\}]\ ? | \ ?(?:アットマーク|あっとまーく|アット)\ ? )
        [A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?
        (?: (?: \. | \ ?[\(\[](?:dot|DOT)[\)\]]\ ? | \ ?ドット\ ? ) [A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])? )+
        ",
    )
    .unwrap()
});

/// An address spelled out to defeat harvesters: "taro at example dot co dot jp".
static SPELLED_EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        [A-Za-z0-9](?:[A-Za-z0-9._%+\-]*[A-Za-z0-9_\-])?
        \ (?:at|AT)\ 
        [A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?
        (?: \ (?:dot|DOT)\ [A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])? )+
        ",
    )
    .unwrap()
});

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:[Hh][Tt][Tt][Pp][Ss]?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%()]+").unwrap()
});

/// Profile or blog hosts written without a scheme (x.com/taro).
static BARE_PROFILE_URL: LazyLock<Regex> = LazyLock::new(|| {
    let hosts: Vec<String> = PROFILE_HOSTS
        .iter()
        .map(|host| regex::escape(host))
        .collect();
    Regex::new(&format!(
        r"(?:[a-z0-9\-]+\.)*(?:{})/[A-Za-z0-9\-._~/?#@!$&'*+,;=%]+",
        hosts.join("|")
    ))
    .unwrap()
});

/// A phone number written in kanji digits (〇九〇‐一二三四‐五六七八), as in transcribed letters.
static KANJI_PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[〇一二三四五六七八九]{2,5}[-ー ][〇一二三四五六七八九]{1,4}[-ー ][〇一二三四五六七八九]{3,4}").unwrap()
});

static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
          \+[0-9]{1,3}[\ \-.]?(?:\(0\)[\ \-.]?)?\(?[0-9]{1,4}\)?(?:[\ \-.]?[0-9]{1,4}){1,4}
        | \(0[0-9]{1,4}\)\ ?[0-9]{1,4}[\ \-.]?[0-9]{3,4}
        | 0[0-9]{1,4}\ ?\([0-9]{1,4}\)\ ?[0-9]{3,4}
        | 0[0-9]{1,4}(?:-|\.|\ |\ -\ )[0-9]{1,4}(?:-|\.|\ |\ -\ )[0-9]{3,4}
        | 0[0-9]{9,10}
        | \(?[2-9][0-9]{2}\)?[\ \-.][0-9]{3}[\-.][0-9]{4}
        ",
    )
    .unwrap()
});

/// Words that announce a telephone or fax number.
const PHONE_KEYWORDS: &[&str] = &[
    "電話",
    "TEL",
    "Tel",
    "tel",
    "携帯",
    "FAX",
    "Fax",
    "fax",
    "ファックス",
    "ファクス",
    "連絡先",
    "℡",
    "直通",
    "phone",
    "Phone",
    "PHONE",
    "call",
    "Call",
    "mobile",
    "Mobile",
    "cell",
    "Cell",
];

/// Finds e-mail addresses.
pub(super) fn detect_emails(text: &str, out: &mut Vec<Candidate>) {
    let has_at_sign = memchr::memchr(b'@', text.as_bytes()).is_some();
    let has_spelled_at = text.contains(" at ") || text.contains(" AT ");
    if !has_at_sign
        && !has_spelled_at
        && !text.contains("at")
        && !text.contains("AT")
        && !text.contains("アット")
        && !text.contains("あっと")
    {
        return;
    }
    let first = out.len();
    for captures in EMAIL.captures_iter(text) {
        let (Some(whole), Some(at)) = (captures.get(0), captures.name("at")) else {
            continue;
        };
        if has_valid_top_level(whole.as_str()) {
            let confidence = if at.as_str() == "@" {
                EMAIL_CONFIDENCE
            } else {
                OBFUSCATED_EMAIL_CONFIDENCE
            };
            out.push(Candidate::new(
                Kind::Email,
                whole.start(),
                whole.end(),
                confidence,
            ));
        }
    }
    if has_spelled_at {
        for found in SPELLED_EMAIL.find_iter(text) {
            let overlaps = out[first..]
                .iter()
                .any(|c| c.start < found.end() && found.start() < c.end);
            if !overlaps && has_valid_top_level(found.as_str()) {
                out.push(Candidate::new(
                    Kind::Email,
                    found.start(),
                    found.end(),
                    SPELLED_EMAIL_CONFIDENCE,
                ));
            }
        }
    }
}

/// True when the last label of an address is a plausible top-level domain (letters only).
fn has_valid_top_level(address: &str) -> bool {
    let top_level = address
        .rsplit(['.', ']', ')', ' ', 'ト'])
        .next()
        .unwrap_or("");
    (2..=24).contains(&top_level.len()) && top_level.bytes().all(|b| b.is_ascii_alphabetic())
}

/// Social networks and publishing sites whose first path segment is a person.
const PROFILE_HOSTS: &[&str] = &[
    "twitter.com",
    "x.com",
    "facebook.com",
    "fb.com",
    "instagram.com",
    "threads.net",
    "tiktok.com",
    "youtube.com",
    "linkedin.com",
    "github.com",
    "gitlab.com",
    "note.com",
    "note.mu",
    "ameblo.jp",
    "qiita.com",
    "zenn.dev",
    "pixiv.net",
    "mastodon.social",
    "mstdn.jp",
    "bsky.app",
    "mixi.jp",
    "medium.com",
    "tumblr.com",
    "flickr.com",
    "pinterest.com",
    "lit.link",
    "linktr.ee",
    "peing.net",
    "reddit.com",
    "plus.google.com",
    "line.me",
    "profile.ameba.jp",
    "blog.livedoor.jp",
    "blog.goo.ne.jp",
    "hatena.ne.jp",
    "b.hatena.ne.jp",
    "d.hatena.ne.jp",
    "togetter.com",
    "soundcloud.com",
    "vimeo.com",
];

/// First path segments on profile hosts that are site pages, not people.
const GENERIC_PROFILE_PATHS: &[&str] = &[
    "",
    "home",
    "search",
    "explore",
    "hashtag",
    "help",
    "about",
    "policies",
    "privacy",
    "terms",
    "login",
    "signup",
    "settings",
    "i",
    "intent",
    "share",
    "sharer",
    "watch",
    "results",
    "topics",
    "trending",
    "wiki",
    "jobs",
    "company",
    "groups",
    "events",
    "pages",
    "feed",
    "notifications",
    "messages",
];

/// Hosts under which every sub-domain is one person's site.
const PERSONAL_SUBDOMAIN_SUFFIXES: &[&str] = &[
    ".hatenablog.com",
    ".hatenablog.jp",
    ".hateblo.jp",
    ".hatenadiary.jp",
    ".hatenadiary.com",
    ".blogspot.com",
    ".blogspot.jp",
    ".fc2.com",
    ".wordpress.com",
    ".livedoor.blog",
    ".livedoor.jp",
    ".jugem.jp",
    ".seesaa.net",
    ".tumblr.com",
    ".github.io",
    ".substack.com",
    ".medium.com",
    ".exblog.jp",
    ".cocolog-nifty.com",
    ".ti-da.net",
    ".weebly.com",
    ".wixsite.com",
    ".sakura.ne.jp",
    ".bsky.social",
];

/// Path segments after which the next segment names a user.
const USER_PATH_MARKERS: &[&str] = &[
    "users", "user", "u", "profile", "profiles", "members", "member", "people", "in", "author",
    "staff", "mypage",
];

/// Query keys whose value identifies a person.
const PERSONAL_QUERY_KEYS: &[&str] = &[
    "email", "mail", "e-mail", "user", "userid", "user_id", "uid", "id", "account", "member",
    "name", "tel", "login",
];

/// Host suffixes of government and public bodies, whose ids in queries are document ids.
const PUBLIC_HOST_SUFFIXES: &[&str] = &[
    ".go.jp",
    ".lg.jp",
    ".gov",
    ".gov.uk",
    ".gouv.fr",
    ".europa.eu",
    ".int",
    ".ac.jp",
    ".ed.jp",
    ".or.jp",
    ".edu",
    ".org",
];

/// Finds URLs that point at a person, with a confidence reflecting how sure that is;
/// `known_romaji` are romanised parts of the submitter's names (lower case).
pub(super) fn detect_urls(text: &str, known_romaji: &[String], out: &mut Vec<Candidate>) {
    if !text.contains('/') && !text.contains("www.") {
        return;
    }
    let push = |start: usize, url: &str, out: &mut Vec<Candidate>| {
        let confidence =
            personal_url_confidence(url).or_else(|| names_submitter(url, known_romaji));
        if let Some(confidence) = confidence {
            out.push(Candidate::new(
                Kind::Url,
                start,
                start + url.len(),
                confidence,
            ));
        }
    };
    let mut spans = Vec::new();
    for found in URL.find_iter(text) {
        push(found.start(), trim_url(found.as_str()), out);
        spans.push(found.range());
    }
    for found in BARE_PROFILE_URL.find_iter(text) {
        let inside_url = spans.iter().any(|span| span.contains(&found.start()));
        let glued = text[..found.start()]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '@' | '-'));
        if !inside_url && !glued {
            push(found.start(), trim_url(found.as_str()), out);
        }
    }
}

/// Confidence for a URL whose host or path contains a romanised name of the submitter.
fn names_submitter(url: &str, known_romaji: &[String]) -> Option<f32> {
    let lower = url.to_ascii_lowercase();
    let without_scheme = lower
        .split_once("://")
        .map_or(lower.as_str(), |(_, rest)| rest);
    let host = without_scheme.split('/').next().unwrap_or(without_scheme);
    let is_public_host = PUBLIC_HOST_SUFFIXES
        .iter()
        .any(|suffix| host.ends_with(suffix));
    let named = known_romaji
        .iter()
        .any(|name| name.len() >= MIN_URL_NAME_CHARS && without_scheme.contains(name.as_str()));
    (named && !is_public_host).then_some(URL_NAMED_CONFIDENCE)
}

/// Drops trailing punctuation and an unbalanced closing parenthesis.
fn trim_url(url: &str) -> &str {
    let mut url = url;
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
        let trimmed = if trimmed.ends_with(')')
            && trimmed.matches('(').count() < trimmed.matches(')').count()
        {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if trimmed.len() == url.len() {
            return url;
        }
        url = trimmed;
    }
}

/// Confidence that a URL points at a person, or `None` for a public page.
pub(super) fn personal_url_confidence(url: &str) -> Option<f32> {
    let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let (authority, rest) = without_scheme
        .find(['/', '?', '#'])
        .map_or((without_scheme, ""), |index| without_scheme.split_at(index));
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    let bare_host = host.strip_prefix("www.").unwrap_or(&host);
    let (path, query) = rest
        .split_once('?')
        .map_or((rest, ""), |(path, query)| (path, query));
    let path = path.split('#').next().unwrap_or(path);
    let segments: Vec<&str> = path
        .split('/')
        .filter(|segment| !segment.is_empty())
        .collect();

    let query_lower = query.to_ascii_lowercase();
    if query_lower.contains('@') || query_lower.contains("%40") || authority.contains('@') {
        return Some(URL_QUERY_CONFIDENCE);
    }
    if PROFILE_HOSTS
        .iter()
        .any(|profile| host_is(bare_host, profile))
    {
        let first = segments
            .first()
            .map(|s| s.to_ascii_lowercase())
            .unwrap_or_default();
        let first = first.trim_start_matches('@');
        let is_profile = !GENERIC_PROFILE_PATHS.contains(&first)
            || (first == "in" || first == "pages") && segments.len() > 1;
        return is_profile.then_some(URL_PROFILE_CONFIDENCE);
    }
    if PERSONAL_SUBDOMAIN_SUFFIXES
        .iter()
        .any(|suffix| bare_host.ends_with(suffix))
    {
        return Some(URL_BLOG_CONFIDENCE);
    }
    let names_user = segments.iter().enumerate().any(|(index, segment)| {
        segment.starts_with('~')
            || (segment.starts_with('@') && segment.len() > 1)
            || (USER_PATH_MARKERS.contains(&segment.to_ascii_lowercase().as_str())
                && index + 1 < segments.len())
    });
    if names_user {
        return Some(URL_USER_PATH_CONFIDENCE);
    }
    let is_public_host = PUBLIC_HOST_SUFFIXES
        .iter()
        .any(|suffix| bare_host.ends_with(suffix));
    if !is_public_host {
        if BLOG_HOST_WORDS.iter().any(|word| bare_host.contains(word)) {
            return Some(URL_BLOG_NAME_CONFIDENCE);
        }
        let has_personal_key = query_lower.split('&').any(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            !value.is_empty() && PERSONAL_QUERY_KEYS.contains(&key)
        });
        if has_personal_key {
            return Some(URL_QUERY_CONFIDENCE);
        }
    }
    None
}

/// True when `host` is `domain` or one of its sub-domains.
fn host_is(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|prefix| prefix.ends_with('.'))
}

/// Finds phone numbers written in kanji digits.
pub(super) fn detect_kanji_phones(text: &str, out: &mut Vec<Candidate>) {
    for found in KANJI_PHONE.find_iter(text) {
        let before = text[..found.start()].chars().next_back();
        let after = text[found.end()..].chars().next();
        if before.is_some_and(super::text::is_kanji_numeral)
            || after.is_some_and(super::text::is_kanji_numeral)
        {
            continue;
        }
        let digits: String = found
            .as_str()
            .chars()
            .map(
                |c| match "〇一二三四五六七八九".chars().position(|d| d == c) {
                    Some(value) => char::from(b'0' + value as u8),
                    None => '-',
                },
            )
            .collect();
        if classify_phone(&digits).is_some_and(|class| class == PhoneClass::Separated) {
            let confidence = if has_phone_context(text, found.start()) {
                PHONE_WITH_CONTEXT_CONFIDENCE
            } else {
                PHONE_CONTIGUOUS_CONFIDENCE
            };
            out.push(Candidate::new(
                Kind::Phone,
                found.start(),
                found.end(),
                confidence,
            ));
        }
    }
}

/// Finds telephone and fax numbers.
pub(super) fn detect_phones(text: &str, out: &mut Vec<Candidate>) {
    for found in PHONE.find_iter(text) {
        let start = found.start();
        if digit_run_continues_before(text, start) || preceded_by_letter(text, start) {
            continue;
        }
        let Some((end, class)) = longest_valid_prefix(text, start, found.end()) else {
            continue;
        };
        if digit_run_continues_after(text, end) {
            continue;
        }
        let has_context = has_phone_context(text, start);
        let confidence = match class {
            PhoneClass::NeedsContext if !has_context => continue,
            _ if has_context => PHONE_WITH_CONTEXT_CONFIDENCE,
            PhoneClass::Separated => PHONE_SEPARATED_CONFIDENCE,
            PhoneClass::Contiguous => PHONE_CONTIGUOUS_CONFIDENCE,
            PhoneClass::Foreign | PhoneClass::NeedsContext => PHONE_FOREIGN_CONFIDENCE,
        };
        out.push(Candidate::new(Kind::Phone, start, end, confidence));
    }
}

/// How a matched number was recognised, which sets its confidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PhoneClass {
    /// Japanese number written with separators or parentheses.
    Separated,
    /// Japanese number written as one digit run.
    Contiguous,
    /// International number with another country code.
    Foreign,
    /// North American shape, only accepted after a telephone keyword.
    NeedsContext,
}

/// Shortens a match group by group from the right until it is a valid number,
/// so that a number followed by an unrelated figure is still found.
fn longest_valid_prefix(text: &str, start: usize, end: usize) -> Option<(usize, PhoneClass)> {
    let mut end = end;
    loop {
        let candidate = text[start..end].trim_end_matches([' ', '-', '.', '(']);
        if let Some(class) = classify_phone(candidate) {
            return Some((start + candidate.len(), class));
        }
        let cut = candidate.rfind([' ', '-', '.', ')'])?;
        if cut == 0 {
            return None;
        }
        end = start + cut;
    }
}

/// Validates a candidate number by its digits.
fn classify_phone(candidate: &str) -> Option<PhoneClass> {
    if candidate.ends_with(')') && !candidate.starts_with('(') {
        return None;
    }
    let digits = ascii_digits(candidate);
    if let Some(international) = candidate.strip_prefix('+') {
        if international.starts_with("81") {
            let mut national = digits[2..].to_vec();
            if national.first() != Some(&0) {
                national.insert(0, 0);
            }
            return is_japanese_number(&national).then_some(PhoneClass::Separated);
        }
        let groups = candidate
            .split([' ', '-', '.'])
            .filter(|g| !g.is_empty())
            .count();
        return (FOREIGN_PHONE_DIGITS.contains(&digits.len()) && groups >= 2)
            .then_some(PhoneClass::Foreign);
    }
    if digits.first() != Some(&0) {
        return (digits.len() == 10).then_some(PhoneClass::NeedsContext);
    }
    if !is_japanese_number(&digits) {
        return None;
    }
    if candidate.bytes().all(|b| b.is_ascii_digit()) {
        Some(PhoneClass::Contiguous)
    } else {
        Some(PhoneClass::Separated)
    }
}

/// True for a plausible Japanese number in national format (leading 0).
fn is_japanese_number(digits: &[u8]) -> bool {
    match digits {
        [0, 0, ..] => false,
        [0, _, ..] if digits.len() == 10 => true,
        [0, 5 | 6 | 7 | 8 | 9 | 2, 0, ..] if digits.len() == 11 => true,
        [0, 8, 0, 0, ..] if digits.len() == 11 => true,
        _ => false,
    }
}

/// True when a Latin letter touches the number (part of a code such as "AB0312345678").
fn preceded_by_letter(text: &str, start: usize) -> bool {
    text[..start]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphabetic())
}

/// True when a telephone keyword precedes the number closely.
fn has_phone_context(text: &str, start: usize) -> bool {
    let window = chars_before(text, start, PHONE_CONTEXT_CHARS);
    PHONE_KEYWORDS
        .iter()
        .any(|keyword| window.contains(keyword))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(detector: fn(&str, &mut Vec<Candidate>), text: &str) -> Vec<String> {
        let mut out = Vec::new();
        detector(text, &mut out);
        out.iter()
            .map(|c| text[c.start..c.end].to_owned())
            .collect()
    }

    fn detect_urls_without_names(text: &str, out: &mut Vec<Candidate>) {
        detect_urls(text, &[], out);
    }

    #[test]
    fn emails_in_several_forms() {
        assert_eq!(
            found(detect_emails, "連絡はtaro.yamada+pc@example.co.jpまで"),
            ["taro.yamada+pc@example.co.jp"]
        );
        assert_eq!(
            found(detect_emails, "mailto:Hanako_S@Mail.Example.COM."),
            ["Hanako_S@Mail.Example.COM"]
        );
        assert_eq!(
            found(detect_emails, "sato [at] example [dot] jp"),
            ["sato [at] example [dot] jp"]
        );
        assert_eq!(
            found(detect_emails, "suzuki(at)example.ne.jp"),
            ["suzuki(at)example.ne.jp"]
        );
        assert!(found(detect_emails, "@username と version 1.2@3").is_empty());
        assert_eq!(
            found(detect_emails, "taro at example dot co dot jp"),
            ["taro at example dot co dot jp"]
        );
        assert_eq!(
            found(detect_emails, "hanako.sato アットマーク example.jp"),
            ["hanako.sato アットマーク example.jp"]
        );
        assert!(found(detect_emails, "we met at lunch and").is_empty());
        assert!(found(detect_emails, "explained at www.digital.go.jp").is_empty());
        assert_eq!(
            found(detect_emails, "Contact me at chiba.yuma76@example.co.jp if"),
            ["chiba.yuma76@example.co.jp"]
        );
    }

    #[test]
    fn personal_urls_only() {
        assert_eq!(
            found(
                detect_urls_without_names,
                "私のX https://x.com/taro_yamada です"
            ),
            ["https://x.com/taro_yamada"]
        );
        assert_eq!(
            found(
                detect_urls_without_names,
                "(https://yamada.hatenablog.com/entry/1)"
            ),
            ["https://yamada.hatenablog.com/entry/1"]
        );
        assert_eq!(
            found(detect_urls_without_names, "www.example.com/~tanaka/"),
            ["www.example.com/~tanaka/"]
        );
        assert_eq!(
            found(
                detect_urls_without_names,
                "https://shop.example.com/form?email=a%40b.jp"
            ),
            ["https://shop.example.com/form?email=a%40b.jp"]
        );
        assert!(
            found(
                detect_urls_without_names,
                "https://www.digital.go.jp/policies を参照"
            )
            .is_empty()
        );
        assert!(
            found(
                detect_urls_without_names,
                "https://public-comment.e-gov.go.jp/servlet/Public?CLASSNAME=PCM&id=495"
            )
            .is_empty()
        );
        assert!(
            found(
                detect_urls_without_names,
                "https://twitter.com/search?q=mynumber"
            )
            .is_empty()
        );
        assert!(found(detect_urls_without_names, "https://www.example.org/").is_empty());
        assert_eq!(
            found(detect_urls_without_names, "https://tanaka-blog.jp/"),
            ["https://tanaka-blog.jp/"]
        );
        assert!(found(detect_urls_without_names, "https://blog.digital.go.jp/").is_empty());
        assert_eq!(
            found(detect_urls_without_names, "SNS: x.com/taro_y です"),
            ["x.com/taro_y"]
        );
        assert!(found(detect_urls_without_names, "https://x.com/taro_y").len() == 1);
        let mut out = Vec::new();
        detect_urls(
            "https://www.yamada-taro.jp/",
            &["yamada".to_owned()],
            &mut out,
        );
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn japanese_phone_formats() {
        for phone in [
            "03-1234-5678",
            "090-1234-5678",
            "0120-123-456",
            "045 123 4567",
            "(03)1234-5678",
            "03(1234)5678",
            "09012345678",
            "0312345678",
            "+81-90-1234-5678",
            "+81 3 1234 5678",
            "+81(0)3-1234-5678",
            "050.1234.5678",
            "0800-123-4567",
        ] {
            let text = format!("電話は{phone}です");
            assert_eq!(found(detect_phones, &text), [phone], "{phone}");
        }
    }

    #[test]
    fn kanji_digit_phones() {
        assert_eq!(
            found(
                detect_kanji_phones,
                "電話 〇九〇‐一二三四‐五六七八".replace('‐', "-").as_str()
            ),
            ["〇九〇-一二三四-五六七八"]
        );
        assert!(found(detect_kanji_phones, "三十一-二-三").is_empty());
    }

    #[test]
    fn phone_followed_by_other_figures() {
        assert_eq!(
            found(detect_phones, "TEL 03 1234 5678 2025年"),
            ["03 1234 5678"]
        );
        assert_eq!(
            found(detect_phones, "+81 3 1234 5678 2025"),
            ["+81 3 1234 5678"]
        );
    }

    #[test]
    fn phone_look_alikes() {
        assert!(found(detect_phones, "123456789012").is_empty());
        assert!(found(detect_phones, "0123-4567-8901").is_empty());
        assert!(found(detect_phones, "2025-04-01に施行").is_empty());
        assert!(found(detect_phones, "1,234,567円").is_empty());
        assert!(found(detect_phones, "202-555-0143").is_empty());
        assert_eq!(
            found(detect_phones, "phone: (202) 555-0143"),
            ["(202) 555-0143"]
        );
        assert_eq!(
            found(detect_phones, "Call +44 20 7946 0958"),
            ["+44 20 7946 0958"]
        );
    }
}
