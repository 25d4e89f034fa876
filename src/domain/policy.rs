//! Who may do what, as plain functions over the facts that decide it.

use super::role::Role;

/// The facts about an account that authorisation depends on.
#[derive(Clone, Copy, Debug)]
pub struct Actor {
    pub role: Role,
    pub verified: bool,
}

/// Taking part (posting, commenting, voting, reporting) needs a verified email.
pub fn can_participate(actor: &Actor) -> bool {
    actor.verified
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

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, verified: bool) -> Actor {
        Actor { role, verified }
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
}
