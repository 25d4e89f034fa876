//! Who may do what: every rule is a plain function over the facts that decide it, answering
//! `Ok(())` or the reason for a refusal (`Denied`). Services call these before they act, and
//! pages call the same ones to decide which buttons and forms to offer, so a page never
//! offers what the service refuses. `Denied` becomes an HTTP answer in one place
//! (`impl From<Denied> for AppError`).

use super::consultation::Phase;
use super::moderation::Visibility;
use super::role::Role;

/// The facts about an account that authorisation depends on.
#[derive(Clone, Copy, Debug)]
pub struct Actor {
    pub role: Role,
    pub verified: bool,
    /// Suspended or banned: may read, may not take part.
    pub suspended: bool,
}

/// Why something is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Denied {
    /// Nobody is signed in.
    SignedOut,
    /// The email address is not confirmed yet.
    Unverified,
    /// The account is suspended or banned.
    Suspended,
    /// Staff only (moderators, drafters, admins).
    NotStaff,
    /// Moderators and admins only.
    NotModerator,
    /// Drafters and admins only.
    NotDrafter,
    /// Admins only.
    NotAdmin,
    /// The consultation is not open: draft, not yet open, or closed.
    NotOpen,
    /// The item is not shown to this person (awaiting approval): as if it did not exist.
    Invisible,
    /// Hidden by moderators: it takes no part any more.
    Hidden,
    /// Locked by moderators: read only.
    Locked,
    /// Merged into another idea, which takes part instead.
    Merged { into: i64 },
    /// Withdrawn by its author: it takes no new votes.
    Withdrawn,
    /// Support is what others think of an idea: authors do not vote on their own.
    OwnIdea,
    /// Nobody reports their own writing.
    OwnReport,
    /// Nobody moderates their own content: a conflict of interest.
    OwnContent,
    /// Only the author changes their text.
    NotAuthor,
    /// The author's edit window has closed.
    WindowClosed,
    /// The last admin cannot give up the role, or nobody could manage the site.
    LastAdmin,
    /// Moderators suspend citizens only; staff are suspended by admins.
    NotCitizen,
}

/// Taking part (posting, commenting, voting, reporting) needs a verified email and an
/// account in good standing.
pub fn can_take_part(actor: &Actor) -> Result<(), Denied> {
    if actor.suspended {
        return Err(Denied::Suspended);
    }
    if !actor.verified {
        return Err(Denied::Unverified);
    }
    Ok(())
}

/// Posting an idea or a comment: a person who may take part, on an open consultation.
pub fn can_contribute(actor: Option<&Actor>, phase: Phase) -> Result<(), Denied> {
    can_take_part(actor.ok_or(Denied::SignedOut)?)?;
    if !phase.accepts_participation() {
        return Err(Denied::NotOpen);
    }
    Ok(())
}

/// What decides whether an idea takes part (votes, comments): its moderation state.
#[derive(Clone, Copy, Debug)]
pub struct IdeaState {
    pub visibility: Visibility,
    pub locked: bool,
    /// Where a merged idea went.
    pub merged_into: Option<i64>,
}

/// An idea takes votes and comments while it is visible and not locked.
pub fn idea_takes_part(idea: &IdeaState) -> Result<(), Denied> {
    match idea.visibility {
        Visibility::Visible => {}
        Visibility::Pending => return Err(Denied::Invisible),
        Visibility::Hidden => return Err(Denied::Hidden),
        Visibility::Merged => {
            return Err(idea
                .merged_into
                .map_or(Denied::Invisible, |into| Denied::Merged { into }));
        }
    }
    if idea.locked {
        return Err(Denied::Locked);
    }
    Ok(())
}

/// Commenting on an idea: it takes part, and the person may contribute.
pub fn can_comment(actor: Option<&Actor>, phase: Phase, idea: &IdeaState) -> Result<(), Denied> {
    idea_takes_part(idea)?;
    can_contribute(actor, phase)
}

/// Voting on an idea: commenting's rules, not on one's own idea, not on a withdrawn one.
pub fn can_vote(
    actor: Option<&Actor>,
    phase: Phase,
    idea: &IdeaState,
    is_author: bool,
    withdrawn: bool,
) -> Result<(), Denied> {
    can_comment(actor, phase, idea)?;
    if is_author {
        return Err(Denied::OwnIdea);
    }
    if withdrawn {
        return Err(Denied::Withdrawn);
    }
    Ok(())
}

/// Withdrawing one's vote: commenting's rules, also on a withdrawn idea, so nobody is stuck
/// with a vote they no longer mean.
pub fn can_clear_vote(actor: Option<&Actor>, phase: Phase, idea: &IdeaState) -> Result<(), Denied> {
    can_comment(actor, phase, idea)
}

/// Authors correct their own text within the edit window, while the consultation is open.
pub fn can_edit(
    is_author: bool,
    within_window: bool,
    phase: Phase,
    withdrawn: bool,
) -> Result<(), Denied> {
    if !is_author {
        return Err(Denied::NotAuthor);
    }
    if !phase.accepts_participation() {
        return Err(Denied::NotOpen);
    }
    if withdrawn {
        return Err(Denied::Withdrawn);
    }
    if !within_window {
        return Err(Denied::WindowClosed);
    }
    Ok(())
}

/// Reporting: an item everyone can see, not one's own, by someone who may take part.
pub fn can_report(actor: &Actor, visible: bool, own: bool) -> Result<(), Denied> {
    if !visible {
        return Err(Denied::Invisible);
    }
    can_take_part(actor)?;
    if own {
        return Err(Denied::OwnReport);
    }
    Ok(())
}

/// Moderators and admins moderate (the queue, the log, tags, people); drafters and
/// citizens do not.
pub fn can_moderate(actor: &Actor) -> Result<(), Denied> {
    if matches!(actor.role, Role::Moderator | Role::Admin) {
        Ok(())
    } else {
        Err(Denied::NotModerator)
    }
}

/// Moderating one item: a moderator, and not its author.
pub fn can_moderate_item(actor: &Actor, is_author: bool) -> Result<(), Denied> {
    can_moderate(actor)?;
    if is_author {
        return Err(Denied::OwnContent);
    }
    Ok(())
}

/// Moderators suspend citizens; admins suspend anyone but themselves.
pub fn can_suspend(actor: &Actor, is_self: bool, target: Role) -> Result<(), Denied> {
    can_moderate(actor)?;
    if is_self {
        return Err(Denied::OwnContent);
    }
    if actor.role != Role::Admin && target != Role::Citizen {
        return Err(Denied::NotCitizen);
    }
    Ok(())
}

/// Staff (moderators, drafters, admins) record and import submissions received by email,
/// post, fax or at events, and see who sent them.
pub fn can_record_submissions(actor: &Actor) -> Result<(), Denied> {
    if actor.role.is_staff() {
        Ok(())
    } else {
        Err(Denied::NotStaff)
    }
}

/// Drafters and admins answer ideas, edit the disposition table and export; nobody else.
pub fn can_draft(actor: &Actor) -> Result<(), Denied> {
    if matches!(actor.role, Role::Drafter | Role::Admin) {
        Ok(())
    } else {
        Err(Denied::NotDrafter)
    }
}

/// Admins manage accounts, roles, organisations, consultations and the word filters.
pub fn can_administer(actor: &Actor) -> Result<(), Denied> {
    if actor.role == Role::Admin {
        Ok(())
    } else {
        Err(Denied::NotAdmin)
    }
}

/// An admin may change any role, except demoting the last remaining admin.
pub fn can_change_role(
    actor: &Actor,
    target_current: Role,
    new_role: Role,
    admin_count: i64,
) -> Result<(), Denied> {
    can_administer(actor)?;
    if target_current == Role::Admin && new_role != Role::Admin && admin_count <= 1 {
        return Err(Denied::LastAdmin);
    }
    Ok(())
}

/// Staff (moderators, drafters, admins) see consultations still in draft.
pub fn can_see_drafts(actor: Option<&Actor>) -> bool {
    actor.is_some_and(|a| a.role.is_staff())
}

/// A consultation's report: staff always, everyone once the consultation has closed.
pub fn can_see_report(actor: Option<&Actor>, phase: Phase) -> bool {
    can_see_drafts(actor) || phase == Phase::Closed
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

    fn idea(visibility: Visibility, locked: bool) -> IdeaState {
        IdeaState {
            visibility,
            locked,
            merged_into: Some(9),
        }
    }

    const OPEN: IdeaState = IdeaState {
        visibility: Visibility::Visible,
        locked: false,
        merged_into: None,
    };

    #[test]
    fn taking_part_needs_verification_and_good_standing() {
        assert_eq!(
            can_take_part(&actor(Role::Admin, false)),
            Err(Denied::Unverified)
        );
        assert!(can_take_part(&actor(Role::Citizen, true)).is_ok());
        let suspended = Actor {
            suspended: true,
            ..actor(Role::Citizen, true)
        };
        assert_eq!(can_take_part(&suspended), Err(Denied::Suspended));
        assert_eq!(
            can_contribute(Some(&suspended), Phase::Open),
            Err(Denied::Suspended)
        );
    }

    #[test]
    fn only_admins_change_roles_and_the_last_admin_stays() {
        for role in [Role::Citizen, Role::Moderator, Role::Drafter] {
            assert_eq!(
                can_change_role(&actor(role, true), Role::Citizen, Role::Admin, 1),
                Err(Denied::NotAdmin)
            );
        }
        let admin = actor(Role::Admin, true);
        assert!(can_change_role(&admin, Role::Citizen, Role::Moderator, 1).is_ok());
        assert_eq!(
            can_change_role(&admin, Role::Admin, Role::Citizen, 1),
            Err(Denied::LastAdmin)
        );
        assert!(can_change_role(&admin, Role::Admin, Role::Citizen, 2).is_ok());
    }

    #[test]
    fn drafts_and_open_reports_are_for_staff() {
        assert!(!can_see_drafts(None));
        assert!(!can_see_drafts(Some(&actor(Role::Citizen, true))));
        assert!(can_see_drafts(Some(&actor(Role::Moderator, true))));
        assert!(!can_see_report(None, Phase::Open));
        assert!(can_see_report(None, Phase::Closed));
        assert!(can_see_report(
            Some(&actor(Role::Drafter, true)),
            Phase::Open
        ));
    }

    #[test]
    fn contributing_needs_a_verified_person_and_an_open_consultation() {
        let verified = actor(Role::Citizen, true);
        assert_eq!(can_contribute(None, Phase::Open), Err(Denied::SignedOut));
        assert_eq!(
            can_contribute(Some(&actor(Role::Admin, false)), Phase::Open),
            Err(Denied::Unverified)
        );
        for phase in [Phase::Draft, Phase::Upcoming, Phase::Closed] {
            assert_eq!(can_contribute(Some(&verified), phase), Err(Denied::NotOpen));
        }
        assert!(can_contribute(Some(&verified), Phase::Open).is_ok());
    }

    #[test]
    fn ideas_take_part_while_visible_and_unlocked() {
        assert!(idea_takes_part(&OPEN).is_ok());
        assert_eq!(
            idea_takes_part(&idea(Visibility::Pending, false)),
            Err(Denied::Invisible)
        );
        assert_eq!(
            idea_takes_part(&idea(Visibility::Hidden, false)),
            Err(Denied::Hidden)
        );
        assert_eq!(
            idea_takes_part(&idea(Visibility::Merged, false)),
            Err(Denied::Merged { into: 9 })
        );
        assert_eq!(
            idea_takes_part(&idea(Visibility::Visible, true)),
            Err(Denied::Locked)
        );
    }

    #[test]
    fn the_idea_decides_before_the_person_and_authors_do_not_vote_on_their_own() {
        let a = actor(Role::Citizen, true);
        // A hidden idea is refused as hidden even to someone signed out.
        assert_eq!(
            can_vote(
                None,
                Phase::Open,
                &idea(Visibility::Hidden, false),
                false,
                false
            ),
            Err(Denied::Hidden)
        );
        assert_eq!(
            can_vote(Some(&a), Phase::Open, &OPEN, true, false),
            Err(Denied::OwnIdea)
        );
        assert_eq!(
            can_vote(Some(&a), Phase::Open, &OPEN, false, true),
            Err(Denied::Withdrawn)
        );
        assert!(can_vote(Some(&a), Phase::Open, &OPEN, false, false).is_ok());
        assert_eq!(
            can_vote(Some(&a), Phase::Closed, &OPEN, false, false),
            Err(Denied::NotOpen)
        );
        assert_eq!(
            can_comment(Some(&a), Phase::Open, &idea(Visibility::Visible, true)),
            Err(Denied::Locked)
        );
    }

    #[test]
    fn edits_are_for_the_author_within_the_window() {
        assert_eq!(
            can_edit(false, true, Phase::Open, false),
            Err(Denied::NotAuthor)
        );
        assert_eq!(
            can_edit(true, false, Phase::Open, false),
            Err(Denied::WindowClosed)
        );
        assert_eq!(
            can_edit(true, true, Phase::Closed, false),
            Err(Denied::NotOpen)
        );
        assert_eq!(
            can_edit(true, true, Phase::Open, true),
            Err(Denied::Withdrawn)
        );
        assert!(can_edit(true, true, Phase::Open, false).is_ok());
    }

    #[test]
    fn reports_need_a_visible_item_of_someone_else() {
        let a = actor(Role::Citizen, true);
        assert_eq!(can_report(&a, false, false), Err(Denied::Invisible));
        assert_eq!(can_report(&a, true, true), Err(Denied::OwnReport));
        assert_eq!(
            can_report(&actor(Role::Citizen, false), true, false),
            Err(Denied::Unverified)
        );
        assert!(can_report(&a, true, false).is_ok());
    }

    #[test]
    fn roles_decide_moderating_drafting_and_administering() {
        let roles = [Role::Citizen, Role::Moderator, Role::Drafter, Role::Admin];
        let allowed = |f: fn(&Actor) -> Result<(), Denied>| -> Vec<Role> {
            roles
                .into_iter()
                .filter(|r| f(&actor(*r, true)).is_ok())
                .collect()
        };
        assert_eq!(allowed(can_moderate), [Role::Moderator, Role::Admin]);
        assert_eq!(allowed(can_draft), [Role::Drafter, Role::Admin]);
        assert_eq!(allowed(can_administer), [Role::Admin]);
        assert_eq!(
            allowed(can_record_submissions),
            [Role::Moderator, Role::Drafter, Role::Admin]
        );
        assert_eq!(
            can_moderate_item(&actor(Role::Moderator, true), true),
            Err(Denied::OwnContent)
        );
    }

    #[test]
    fn moderators_suspend_citizens_and_admins_anyone_but_themselves() {
        let moderator = actor(Role::Moderator, true);
        let admin = actor(Role::Admin, true);
        assert!(can_suspend(&moderator, false, Role::Citizen).is_ok());
        assert_eq!(
            can_suspend(&moderator, false, Role::Drafter),
            Err(Denied::NotCitizen)
        );
        assert!(can_suspend(&admin, false, Role::Moderator).is_ok());
        assert_eq!(
            can_suspend(&admin, true, Role::Admin),
            Err(Denied::OwnContent)
        );
        assert_eq!(
            can_suspend(&actor(Role::Drafter, true), false, Role::Citizen),
            Err(Denied::NotModerator)
        );
    }
}
