//! The official answer's status on an idea, set by drafters.

use serde::Serialize;

/// Where an idea stands in the drafters' answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseStatus {
    Received,
    UnderReview,
    Adopted,
    PartlyAdopted,
    NotAdopted,
    AlreadyInPlan,
    OutOfScope,
}

impl ResponseStatus {
    pub const ALL: [ResponseStatus; 7] = [
        Self::Received,
        Self::UnderReview,
        Self::Adopted,
        Self::PartlyAdopted,
        Self::NotAdopted,
        Self::AlreadyInPlan,
        Self::OutOfScope,
    ];

    /// The stored and wire names, in display order (forms and filters list these).
    pub const NAMES: [&'static str; 7] = [
        "received",
        "under_review",
        "adopted",
        "partly_adopted",
        "not_adopted",
        "already_in_plan",
        "out_of_scope",
    ];

    /// A status by its name; anything else is no status (refused by forms and filters).
    pub fn parse(raw: &str) -> Option<ResponseStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::UnderReview => "under_review",
            Self::Adopted => "adopted",
            Self::PartlyAdopted => "partly_adopted",
            Self::NotAdopted => "not_adopted",
            Self::AlreadyInPlan => "already_in_plan",
            Self::OutOfScope => "out_of_scope",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_the_statuses_in_order_and_unknown_ones_are_refused() {
        let names: Vec<&str> = ResponseStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ResponseStatus::NAMES);
        for s in ResponseStatus::ALL {
            assert_eq!(ResponseStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(ResponseStatus::parse("Adopted"), None);
        assert_eq!(ResponseStatus::parse("none"), None);
    }
}
