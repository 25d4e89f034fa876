//! Dates of birth: a date (Western or Japanese era, digits or kanji numerals)
//! that a birth keyword announces or that 生まれ follows. Other dates
//! (施行日, deadlines) are not personal and are left alone.

use std::sync::LazyLock;

use regex::Regex;

use super::finding::{Candidate, Kind};
use super::text::{
    chars_after, chars_before, digit_run_continues_after, digit_run_continues_before, is_kanji,
};

/// Confidence of a date announced as a birth date.
const BIRTH_DATE_CONFIDENCE: f32 = 0.92;
/// Chars searched before a date for a birth keyword.
const BIRTH_CONTEXT_BEFORE_CHARS: usize = 16;
/// Chars searched after a date for 生まれ / 生.
const BIRTH_CONTEXT_AFTER_CHARS: usize = 4;

// Regex literals below are compiled once; they are constant and known to be valid.

/// Japanese dates: 1985年4月1日, 昭和60年4月1日, 昭和六十年四月一日, 令和元年5月1日,
/// 1985年（昭和60年）4月1日; the day may be missing (year and month of birth).
static JAPANESE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?: (?:19|20)[0-9]{2} | (?:明治|大正|昭和|平成|令和)\ ?(?:[0-9]{1,2}|元|[一二三四五六七八九十]{1,3}) )
        \ ?年\ ?
        (?: \((?:昭和|平成|令和)\ ?(?:[0-9]{1,2}|元)\ ?年?\)\ ? )?
        (?P<month>[0-9]{1,2}|[一二三四五六七八九十]{1,3})\ ?月
        (?: \ ?(?P<day>[0-9]{1,2}|[一二三四五六七八九十]{1,3})\ ?日 )?
        ",
    )
    .unwrap()
});

/// A date with the era left out (60年4月1日), a birth date only next to a birth keyword.
static ERALESS_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9]{1,2} ?年 ?(?P<month>[0-9]{1,2}) ?月 ?(?P<day>[0-9]{1,2}) ?日").unwrap()
});

/// Numeric dates: 1985/04/01, 1985-4-1, 1985.4.1, S60.4.1, H2/12/24, 04/01/1985.
static NUMERIC_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
          (?: (?:19|20)[0-9]{2} | [MTSHR]\ ?[0-9]{1,2} ) (?P<sep>[/.\-]) (?P<month>[0-9]{1,2}) [/.\-] (?P<day>[0-9]{1,2})
        | (?P<first>[0-9]{1,2}) / (?P<second>[0-9]{1,2}) / (?:19|20)[0-9]{2}
        ",
    )
    .unwrap()
});

/// English dates: April 1, 1985; 1st April 1985; Apr. 1 1985.
static ENGLISH_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?: (?P<month1>January|February|March|April|May|June|July|August|September|October|November|December
                |Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?\ (?P<day1>[0-9]{1,2})(?:st|nd|rd|th)?,?\ (?:19|20)[0-9]{2}
          | (?P<day2>[0-9]{1,2})(?:st|nd|rd|th)?\ (?:of\ )?(?P<month2>January|February|March|April|May|June|July|August
                |September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?,?\ (?:19|20)[0-9]{2} )
        ",
    )
    .unwrap()
});

/// Keywords that announce a birth date before it.
const BIRTH_KEYWORDS_BEFORE: &[&str] = &[
    "生年月日",
    "誕生日",
    "生まれは",
    "出生日",
    "生年",
    "DOB",
    "D.O.B.",
    "D.O.B",
    "date of birth",
    "Date of birth",
    "Date of Birth",
    "DATE OF BIRTH",
    "birthday",
    "Birthday",
    "birth date",
    "Birth date",
    "born",
    "Born",
    "BORN",
];

/// Keywords that mark a birth date right after it (1985年4月1日生まれ).
const BIRTH_KEYWORDS_AFTER: &[&str] = &["生まれ", "産まれ", "誕生"];

/// Finds dates of birth.
pub(super) fn detect_birth_dates(text: &str, out: &mut Vec<Candidate>) {
    let has_digits = text.bytes().any(|b| b.is_ascii_digit());
    if has_digits
        || text.contains("昭和")
        || text.contains("平成")
        || text.contains("令和")
        || text.contains("大正")
    {
        for captures in JAPANESE_DATE.captures_iter(text) {
            let Some(whole) = captures.get(0) else {
                continue;
            };
            let month = captures
                .name("month")
                .and_then(|m| parse_small_number(m.as_str()));
            let day = captures.name("day").map(|d| parse_small_number(d.as_str()));
            let valid_day = match day {
                None => true,
                Some(day) => day.is_some_and(|d| (1..=31).contains(&d)),
            };
            if !month.is_some_and(|m| (1..=12).contains(&m)) || !valid_day {
                continue;
            }
            // Year and month alone are a birth date only when 生まれ follows.
            let needs_after_keyword = day.is_none();
            push_if_birth(text, whole.start(), whole.end(), needs_after_keyword, out);
        }
    }
    if !has_digits {
        return;
    }
    for captures in ERALESS_DATE.captures_iter(text) {
        let Some(whole) = captures.get(0) else {
            continue;
        };
        // Part of a longer year (1985年…) or an era date already handled above.
        let glued = text[..whole.start()]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '和' | '成' | '正' | '治'));
        let number = |name: &str| {
            captures
                .name(name)
                .and_then(|m| m.as_str().parse::<u32>().ok())
        };
        let valid = number("month").is_some_and(|m| (1..=12).contains(&m))
            && number("day").is_some_and(|d| (1..=31).contains(&d));
        if !glued && valid {
            push_if_birth(text, whole.start(), whole.end(), false, out);
        }
    }
    for captures in NUMERIC_DATE.captures_iter(text) {
        let Some(whole) = captures.get(0) else {
            continue;
        };
        if digit_run_continues_before(text, whole.start())
            || digit_run_continues_after(text, whole.end())
        {
            continue;
        }
        let number = |name: &str| {
            captures
                .name(name)
                .and_then(|m| m.as_str().parse::<u32>().ok())
        };
        let valid = match (
            number("month"),
            number("day"),
            number("first"),
            number("second"),
        ) {
            (Some(month), Some(day), _, _) => (1..=12).contains(&month) && (1..=31).contains(&day),
            (_, _, Some(first), Some(second)) => {
                (1..=31).contains(&first)
                    && (1..=31).contains(&second)
                    && (first <= 12 || second <= 12)
            }
            _ => false,
        };
        if valid {
            push_if_birth(text, whole.start(), whole.end(), false, out);
        }
    }
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        for captures in ENGLISH_DATE.captures_iter(text) {
            let Some(whole) = captures.get(0) else {
                continue;
            };
            let day = captures
                .name("day1")
                .or(captures.name("day2"))
                .and_then(|d| d.as_str().parse::<u32>().ok());
            if day.is_some_and(|d| (1..=31).contains(&d))
                && !digit_run_continues_after(text, whole.end())
            {
                push_if_birth(text, whole.start(), whole.end(), false, out);
            }
        }
    }
}

/// Adds the date when a birth keyword announces or follows it.
fn push_if_birth(
    text: &str,
    start: usize,
    end: usize,
    needs_after_keyword: bool,
    out: &mut Vec<Candidate>,
) {
    let after = chars_after(text, end, BIRTH_CONTEXT_AFTER_CHARS);
    let after = after.trim_start_matches([' ', '(', ')']);
    // A lone 生 after a date means "born" (…1日生の会社員); 生活 or 生産 is ordinary text.
    let followed = BIRTH_KEYWORDS_AFTER
        .iter()
        .any(|keyword| after.starts_with(keyword))
        || after
            .strip_prefix('生')
            .is_some_and(|rest| rest.chars().next().is_none_or(|c| !is_kanji(c)));
    let announced = !needs_after_keyword && announced_by_keyword(text, start);
    if followed || announced {
        out.push(Candidate::new(
            Kind::BirthDate,
            start,
            end,
            BIRTH_DATE_CONFIDENCE,
        ));
    }
}

/// True when a birth keyword precedes the date with nothing date-like or
/// sentence-ending in between.
fn announced_by_keyword(text: &str, start: usize) -> bool {
    let window = chars_before(text, start, BIRTH_CONTEXT_BEFORE_CHARS);
    BIRTH_KEYWORDS_BEFORE.iter().any(|keyword| {
        window.rfind(keyword).is_some_and(|index| {
            let gap = &window[index + keyword.len()..];
            !gap.contains(". ")
                && !gap
                    .chars()
                    .any(|c| c.is_ascii_digit() || matches!(c, '。' | '、' | '!' | '?'))
        })
    })
}

/// Parses 1–2 ASCII digits or a kanji numeral up to 99 (十, 二十三, 三十一).
fn parse_small_number(s: &str) -> Option<u32> {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|p| p as u32)
    };
    let mut total = 0;
    let mut current = None;
    for c in s.chars() {
        if c == '十' {
            total += current.unwrap_or(1) * 10;
            current = None;
        } else {
            current = Some(current.unwrap_or(0) * 10 + digit(c)?);
        }
    }
    Some(total + current.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        detect_birth_dates(text, &mut out);
        out.iter()
            .map(|c| text[c.start..c.end].to_owned())
            .collect()
    }

    #[test]
    fn birth_date_forms() {
        assert_eq!(found("生年月日：1985年4月1日"), ["1985年4月1日"]);
        assert_eq!(found("昭和60年4月1日生まれです"), ["昭和60年4月1日"]);
        assert_eq!(found("誕生日は平成2年12月24日"), ["平成2年12月24日"]);
        assert_eq!(found("昭和六十年四月一日生"), ["昭和六十年四月一日"]);
        assert_eq!(found("生年月日 1985/04/01"), ["1985/04/01"]);
        assert_eq!(found("S60.4.1生まれ"), ["S60.4.1"]);
        assert_eq!(
            found("1985年(昭和60年)4月1日生まれ"),
            ["1985年(昭和60年)4月1日"]
        );
        assert_eq!(found("1990年5月生まれの会社員"), ["1990年5月"]);
        assert_eq!(
            found("I was born on April 1, 1985 in Osaka."),
            ["April 1, 1985"]
        );
        assert_eq!(found("DOB: 04/01/1985"), ["04/01/1985"]);
        assert_eq!(found("D.O.B. 12 March 1975"), ["12 March 1975"]);
        assert_eq!(found("平成元年1月8日生の年金受給者"), ["平成元年1月8日"]);
        assert_eq!(found("Date of birth: 1st April 1985"), ["1st April 1985"]);
        assert_eq!(found("私は60年4月1日生まれです"), ["60年4月1日"]);
        assert!(found("7年4月1日から施行").is_empty());
    }

    #[test]
    fn policy_dates_are_not_birth_dates() {
        assert!(found("2025年4月1日に施行される").is_empty());
        assert!(found("1985年生まれの私は、2025年4月1日に施行される制度に反対です").is_empty());
        assert!(found("令和7年4月1日から開始").is_empty());
        assert!(found("2025年4月の生活").is_empty());
        assert!(found("2025年4月1日生産開始").is_empty());
        assert!(found("The law takes effect on April 1, 2025.").is_empty());
    }

    #[test]
    fn kanji_numerals() {
        assert_eq!(parse_small_number("三十一"), Some(31));
        assert_eq!(parse_small_number("十二"), Some(12));
        assert_eq!(parse_small_number("十"), Some(10));
        assert_eq!(parse_small_number("12"), Some(12));
    }
}
