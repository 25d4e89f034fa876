//! Who is acting: the signed-in account as a request sees it, and the credential it proved
//! itself with. Resolved by the web layer's middleware, used by every layer below it.

use super::content::VoteValue;
use super::ids::{ApiTokenId, SessionId, UserId};
use super::lang::Lang;
use super::policy::Actor;
use super::role::Role;

/// The signed-in account, as loaded for this request.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub verified: bool,
    pub language: Option<Lang>,
    /// Set while the account is suspended or banned: (until — `None` for a ban, reason).
    pub suspension: Option<(Option<chrono::NaiveDateTime>, String)>,
}

impl CurrentUser {
    pub fn actor(&self) -> Actor {
        Actor {
            role: self.role,
            verified: self.verified,
            suspended: self.suspension.is_some(),
        }
    }
}

/// How the request proved who it is.
#[derive(Clone, Debug)]
pub enum Credential {
    Session { id: SessionId, csrf_token: String },
    ApiToken { id: ApiTokenId },
}

/// A signed-in user and the credential used.
#[derive(Clone, Debug)]
pub struct Identity {
    pub user: CurrentUser,
    pub credential: Credential,
}

impl Identity {
    pub fn session_id(&self) -> Option<SessionId> {
        match self.credential {
            Credential::Session { id, .. } => Some(id),
            Credential::ApiToken { .. } => None,
        }
    }
}

/// A signed-in citizen as a page shared with others of their group may know them: whether
/// their email is verified and, on an idea's page, their vote. No id, name or address: a
/// shared page cannot show one person's details to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SharedViewer {
    pub verified: bool,
    pub own_vote: Option<VoteValue>,
}

impl SharedViewer {
    /// Shared pages are only for citizens in good standing.
    pub fn actor(&self) -> Actor {
        Actor {
            role: Role::Citizen,
            verified: self.verified,
            suspended: false,
        }
    }
}
