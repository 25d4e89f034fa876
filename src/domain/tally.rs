//! An idea's vote counters and the scores its sorts use. One type does the arithmetic for
//! every writer (a vote, a recount after a merge, the demo generator), so counters always
//! equal a recount.

use chrono::NaiveDateTime;

use super::content::VoteValue;

/// Support and opposition on one idea, and its trend score (decayed support, as a log2).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tally {
    pub support: i32,
    pub oppose: i32,
    pub trend: f64,
}

impl Tally {
    /// The tally of a set of votes, each with when it was cast.
    pub fn of_votes(votes: impl IntoIterator<Item = (VoteValue, NaiveDateTime)>) -> Tally {
        let mut tally = Tally::default();
        for (value, at) in votes {
            tally = tally.with_vote(value, at);
        }
        tally
    }

    /// The tally with one more vote.
    pub fn with_vote(self, value: VoteValue, at: NaiveDateTime) -> Tally {
        match value {
            VoteValue::Support => Tally {
                support: self.support + 1,
                trend: log2_add(self.trend, trend_weight(at)),
                ..self
            },
            VoteValue::Oppose => Tally {
                oppose: self.oppose + 1,
                ..self
            },
        }
    }

    /// The trend after a support cast at `cast_at` is taken back (the counters move through
    /// `change`, in the database, so that parallel votes add up).
    pub fn without_support_trend(self, cast_at: NaiveDateTime) -> Tally {
        Tally {
            trend: log2_sub(self.trend, trend_weight(cast_at)),
            ..self
        }
    }

    /// The trend after a support cast at `at` is added.
    pub fn with_support_trend(self, at: NaiveDateTime) -> Tally {
        Tally {
            trend: log2_add(self.trend, trend_weight(at)),
            ..self
        }
    }

    /// How support and opposition move when one person's vote goes from `before` to
    /// `after` (`None`: no vote).
    pub fn change(before: Option<VoteValue>, after: Option<VoteValue>) -> (i32, i32) {
        let count = |v: Option<VoteValue>, which: VoteValue| i32::from(v == Some(which));
        (
            count(after, VoteValue::Support) - count(before, VoteValue::Support),
            count(after, VoteValue::Oppose) - count(before, VoteValue::Oppose),
        )
    }

    /// The controversy score of these counters.
    pub fn controversy(&self) -> f64 {
        controversy(self.support, self.oppose)
    }
}

/// Recent support weighs more: each support adds 2^(days since 2026-01-01), kept as a log2
/// so that it never overflows. Ordering by this value orders by decayed support with a
/// one-day half-life, without rewriting every idea as time passes.
pub fn trend_weight(at: NaiveDateTime) -> f64 {
    let epoch = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
    (at - epoch).num_seconds() as f64 / 86_400.0
}

/// log2(2^a + 2^b), stable for large values.
pub fn log2_add(a: f64, b: f64) -> f64 {
    if a == 0.0 {
        return b;
    }
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    hi + (1.0 + (lo - hi).exp2()).log2()
}

/// log2(2^a - 2^b) for b <= a; 0 when nothing is left.
pub fn log2_sub(a: f64, b: f64) -> f64 {
    if b >= a {
        return 0.0;
    }
    let rest = 1.0 - (b - a).exp2();
    if rest <= 1e-12 { 0.0 } else { a + rest.log2() }
}

/// Strong on both sides: the number of votes raised to the balance between the sides
/// (1 when evenly split, 0 when one-sided).
pub fn controversy(support: i32, oppose: i32) -> f64 {
    if support <= 0 || oppose <= 0 {
        return 0.0;
    }
    let (s, o) = (f64::from(support), f64::from(oppose));
    let balance = s.min(o) / s.max(o);
    (s + o).powf(balance)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(days: i64) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .map(|t| t + chrono::Duration::days(days))
            .unwrap()
    }

    #[test]
    fn a_tally_of_votes_equals_the_votes_added_and_changed_one_by_one() {
        let votes = [
            (VoteValue::Support, at(0)),
            (VoteValue::Oppose, at(1)),
            (VoteValue::Support, at(2)),
        ];
        let tally = Tally::of_votes(votes);
        assert_eq!((tally.support, tally.oppose), (2, 1));
        // The same tally, reached through changes and trend updates as a vote does it.
        let mut stepwise = Tally::default();
        for (value, when) in votes {
            let (s, o) = Tally::change(None, Some(value));
            stepwise.support += s;
            stepwise.oppose += o;
            if value == VoteValue::Support {
                stepwise = stepwise.with_support_trend(when);
            }
        }
        assert_eq!((stepwise.support, stepwise.oppose), (2, 1));
        assert!((stepwise.trend - tally.trend).abs() < 1e-9);
        // Taking a support back leaves the tally of the other votes.
        let back = tally.without_support_trend(at(2));
        let rest = Tally::of_votes([votes[0], votes[1]]);
        assert!((back.trend - rest.trend).abs() < 1e-9);
        assert_eq!(
            Tally::change(Some(VoteValue::Support), Some(VoteValue::Oppose)),
            (-1, 1)
        );
        assert_eq!(Tally::change(Some(VoteValue::Oppose), None), (0, -1));
        assert_eq!(Tally::change(None, None), (0, 0));
    }

    #[test]
    fn trend_scores_add_and_remove() {
        let a = log2_add(0.0, 10.0);
        assert_eq!(a, 10.0);
        let b = log2_add(a, 10.0);
        assert!((b - 11.0).abs() < 1e-9);
        assert!((log2_sub(b, 10.0) - 10.0).abs() < 1e-9);
        assert_eq!(log2_sub(10.0, 10.0), 0.0);
        // A support today outweighs two from a week ago.
        assert!(log2_add(0.0, 100.0) > log2_add(log2_add(0.0, 93.0), 93.0));
    }

    #[test]
    fn controversy_prefers_balanced_and_large() {
        assert_eq!(controversy(10, 0), 0.0);
        assert!(controversy(50, 50) > controversy(90, 10));
        assert!(controversy(100, 100) > controversy(10, 10));
    }
}
