//! Typed identifiers, so an id of one table cannot be passed where another is expected.

use serde::{Deserialize, Serialize};

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

typed_id!(
    /// A user account.
    UserId
);
typed_id!(
    /// A server-side login session.
    SessionId
);
typed_id!(
    /// A personal API token.
    ApiTokenId
);
typed_id!(
    /// An organisation (ministry or agency).
    OrganisationId
);
typed_id!(
    /// A consultation on a draft plan.
    ConsultationId
);
typed_id!(
    /// An idea (a submission, whatever its channel).
    IdeaId
);
typed_id!(
    /// A comment or reply on an idea.
    CommentId
);
typed_id!(
    /// A moderator-managed label of a consultation.
    TagId
);
typed_id!(
    /// An official answer to one or more ideas.
    ResponseId
);
