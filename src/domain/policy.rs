//! Who may do what, as plain functions over the facts that decide it.

use super::consultation::Phase;
use super::role::Role;

/// The facts about an account that authorisation depends on.
#[derive(Clone, Copy, Debug)]
pub struct Actor {
    pub role: Role,
    pub verified: bool,
    /// Suspended or banned: may read, may not take part.
    pub suspended: bool,
}

/// Taking part (posting, commenting, voting, reporting) needs a verified email and an
/// account in good standing.
pub fn can_participate(actor: &Actor) -> bool {
    actor.verified && !actor.suspended
}

/// Only admins manage accounts and roles.
pub fn can_manage_users(actor: &Actor) -> bool {
    actor.role == Role::Admin
}

/// Why a role change is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum RoleChangeDenied {
    NotAdmin,
    /// The last admin cannot give up the role, or nobody could manage the site.
    LastAdmin,
}

/// An admin may change any role, except demoting the last remaining admin.
pub fn can_change_role(
    actor: &Actor,
    target_current: Role,
    new_role: Role,
    admin_count: i64,
) -> Result<(), RoleChangeDenied> {
    if !can_manage_users(actor) {
        return Err(RoleChangeDenied::NotAdmin);
    }
    if target_current == Role::Admin && new_role != Role::Admin && admin_count <= 1 {
        return Err(RoleChangeDenied::LastAdmin);
    }
    Ok(())
}

/// Staff (moderators, drafters, admins) see consultations still in draft.
pub fn can_see_drafts(actor: Option<&Actor>) -> bool {
    actor.is_some_and(|a| a.role.is_staff())
}

/// Why taking part (posting, commenting, voting) is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum ParticipationDenied {
    /// Nobody is signed in (401).
    SignedOut,
    /// The email address is not confirmed yet.
    Unverified,
    /// The account is suspended or banned.
    Suspended,
    /// The consultation is not open: draft, not yet open, or closed.
    NotOpen,
}

/// Posting an idea or a comment: a verified person on an open consultation.
pub fn can_contribute(actor: Option<&Actor>, phase: Phase) -> Result<(), ParticipationDenied> {
    let actor = actor.ok_or(ParticipationDenied::SignedOut)?;
    if actor.suspended {
        return Err(ParticipationDenied::Suspended);
    }
    if !can_participate(actor) {
        return Err(ParticipationDenied::Unverified);
    }
    if !phase.accepts_participation() {
        return Err(ParticipationDenied::NotOpen);
    }
    Ok(())
}

/// Why a vote is refused, beyond the participation rules.
#[derive(Debug, PartialEq, Eq)]
pub enum VoteDenied {
    Participation(ParticipationDenied),
    /// Authors cannot vote on their own idea: support is what others think of it.
    OwnIdea,
    /// A withdrawn idea takes no new votes.
    Withdrawn,
}

pub fn can_vote(
    actor: Option<&Actor>,
    phase: Phase,
    is_author: bool,
    withdrawn: bool,
) -> Result<(), VoteDenied> {
    can_contribute(actor, phase).map_err(VoteDenied::Participation)?;
    if is_author {
        return Err(VoteDenied::OwnIdea);
    }
    if withdrawn {
        return Err(VoteDenied::Withdrawn);
    }
    Ok(())
}

/// Why an author's change to their own idea or comment is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum EditDenied {
    NotAuthor,
    WindowClosed,
    NotOpen,
    Withdrawn,
}

/// Authors correct their own text within the edit window, while the consultation is open.
pub fn can_edit(
    is_author: bool,
    within_window: bool,
    phase: Phase,
    withdrawn: bool,
) -> Result<(), EditDenied> {
    if !is_author {
        return Err(EditDenied::NotAuthor);
    }
    if !phase.accepts_participation() {
        return Err(EditDenied::NotOpen);
    }
    if withdrawn {
        return Err(EditDenied::Withdrawn);
    }
    if !within_window {
        return Err(EditDenied::WindowClosed);
    }
    Ok(())
}

/// Only admins create and change organisations and consultations.
pub fn can_manage_consultations(actor: &Actor) -> bool {
    actor.role == Role::Admin
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, verified: bool) -> Actor {
        Actor {
            role,
            verified,
            suspended: false,
        }
    }

    #[test]
    fn participation_needs_verification() {
        assert!(!can_participate(&actor(Role::Admin, false)));
        assert!(can_participate(&actor(Role::Citizen, true)));
    }

    #[test]
    fn only_admins_change_roles() {
        for role in [Role::Citizen, Role::Moderator, Role::Drafter] {
            assert_eq!(
                can_change_role(&actor(role, true), Role::Citizen, Role::Admin, 1),
                Err(RoleChangeDenied::NotAdmin)
            );
        }
        assert!(
            can_change_role(&actor(Role::Admin, true), Role::Citizen, Role::Moderator, 1).is_ok()
        );
    }

    #[test]
    fn last_admin_stays_admin() {
        let admin = actor(Role::Admin, true);
        assert_eq!(
            can_change_role(&admin, Role::Admin, Role::Citizen, 1),
            Err(RoleChangeDenied::LastAdmin)
        );
        assert!(can_change_role(&admin, Role::Admin, Role::Citizen, 2).is_ok());
    }

    #[test]
    fn drafts_are_for_staff() {
        assert!(!can_see_drafts(None));
        assert!(!can_see_drafts(Some(&actor(Role::Citizen, true))));
        assert!(can_see_drafts(Some(&actor(Role::Moderator, true))));
    }

    #[test]
    fn contributing_needs_a_verified_person_and_an_open_consultation() {
        let verified = actor(Role::Citizen, true);
        assert_eq!(
            can_contribute(None, Phase::Open),
            Err(ParticipationDenied::SignedOut)
        );
        assert_eq!(
            can_contribute(Some(&actor(Role::Admin, false)), Phase::Open),
            Err(ParticipationDenied::Unverified)
        );
        for phase in [Phase::Draft, Phase::Upcoming, Phase::Closed] {
            assert_eq!(
                can_contribute(Some(&verified), phase),
                Err(ParticipationDenied::NotOpen)
            );
        }
        assert!(can_contribute(Some(&verified), Phase::Open).is_ok());
    }

    #[test]
    fn authors_cannot_vote_on_their_own_idea_and_withdrawn_ideas_take_no_votes() {
        let a = actor(Role::Citizen, true);
        assert_eq!(
            can_vote(Some(&a), Phase::Open, true, false),
            Err(VoteDenied::OwnIdea)
        );
        assert_eq!(
            can_vote(Some(&a), Phase::Open, false, true),
            Err(VoteDenied::Withdrawn)
        );
        assert!(can_vote(Some(&a), Phase::Open, false, false).is_ok());
        assert_eq!(
            can_vote(Some(&a), Phase::Closed, false, false),
            Err(VoteDenied::Participation(ParticipationDenied::NotOpen))
        );
    }

    #[test]
    fn edits_are_for_the_author_within_the_window() {
        assert_eq!(
            can_edit(false, true, Phase::Open, false),
            Err(EditDenied::NotAuthor)
        );
        assert_eq!(
            can_edit(true, false, Phase::Open, false),
            Err(EditDenied::WindowClosed)
        );
        assert_eq!(
            can_edit(true, true, Phase::Closed, false),
            Err(EditDenied::NotOpen)
        );
        assert_eq!(
            can_edit(true, true, Phase::Open, true),
            Err(EditDenied::Withdrawn)
        );
        assert!(can_edit(true, true, Phase::Open, false).is_ok());
    }

    #[test]
    fn suspended_people_read_but_do_not_take_part() {
        let suspended = Actor {
            role: Role::Citizen,
            verified: true,
            suspended: true,
        };
        assert!(!can_participate(&suspended));
        assert_eq!(
            can_contribute(Some(&suspended), Phase::Open),
            Err(ParticipationDenied::Suspended)
        );
    }
}
