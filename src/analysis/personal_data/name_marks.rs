//! Words that mark the text next to them as a person's name, shared by the
//! name detectors.

/// Honorifics that follow a name.
pub(super) const HONORIFICS: &[&str] = &[
    "様",
    "さま",
    "さん",
    "氏",
    "君",
    "くん",
    "ちゃん",
    "先生",
    "殿",
];

/// Marks after a bare surname meaning its family (山田家, 佐藤ご夫妻).
pub(super) const FAMILY_MARKS: &[&str] =
    &["家", "ご夫妻", "ご夫婦", "ご一家", "一家", "夫妻", "夫婦"];
