//! Cells that leave IdeaBox for a spreadsheet (CSV and XLSX exports, the moderation log):
//! a spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
//! as a formula, so user text could run in a drafter's spreadsheet. A leading apostrophe
//! keeps it text; this is the one guard every export uses.

use std::borrow::Cow;

/// Whether a spreadsheet would run this cell as a formula.
pub fn runs_as_formula(cell: &str) -> bool {
    matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// The cell as text a spreadsheet shows and never runs.
pub fn neutralise_formula(cell: &str) -> Cow<'_, str> {
    if runs_as_formula(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_text_is_left_alone() {
        assert_eq!(
            neutralise_formula("=HYPERLINK(\"x\")"),
            "'=HYPERLINK(\"x\")"
        );
        assert_eq!(neutralise_formula("@sum"), "'@sum");
        assert_eq!(neutralise_formula("-1"), "'-1");
        assert_eq!(neutralise_formula("\tx"), "'\tx");
        assert_eq!(neutralise_formula("plain"), "plain");
        assert_eq!(neutralise_formula(""), "");
        assert_eq!(neutralise_formula("デジタル=1"), "デジタル=1");
    }
}
