//! Site scoping, in one place. Every query over site-owned rows takes a [`Scope`]; a site-bound
//! user's scope is their site, so rows of another site are simply not found (404). Whether a
//! role may write at all is decided by the callers through [`Scope::require_write`] (403).

use crate::domain::ids::SiteId;
use crate::domain::role::Role;
use crate::error::AppError;

/// What a request may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope {
    role: Role,
    /// The user's own site (site-bound roles), or the site chosen in the switcher (all-sites
    /// roles, for narrowing lists only).
    site: Option<SiteId>,
    all_sites: bool,
    /// The mechanic record of a mechanic-role user: they see only the jobs assigned to it.
    mechanic: Option<i32>,
}

impl Scope {
    /// The scope of a user; `chosen` is the site switcher's choice of an all-sites user.
    pub fn new(role: Role, own_site: Option<SiteId>, chosen: Option<SiteId>) -> Self {
        if role.sees_all_sites() {
            Self {
                role,
                site: chosen,
                all_sites: true,
                mechanic: None,
            }
        } else {
            Self {
                role,
                site: own_site,
                all_sites: false,
                mechanic: None,
            }
        }
    }

    /// Every row of every site: for re-reading a row the caller has already checked.
    pub fn everything() -> Self {
        Self::new(Role::Superuser, None, None)
    }

    /// The same scope for a mechanic-role user linked to `mechanic`.
    pub fn with_mechanic(self, mechanic: Option<i32>) -> Self {
        Self { mechanic, ..self }
    }

    /// The mechanic record of a mechanic-role user, if their login is linked to one.
    pub fn own_mechanic(&self) -> Option<i32> {
        self.mechanic
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// The site lists are limited to: always for site users, when chosen for all-sites users.
    pub fn list_site(&self) -> Option<SiteId> {
        self.site
    }

    /// The one site a site-bound user may touch; `None` for all-sites users.
    pub fn bound_site(&self) -> Option<SiteId> {
        if self.all_sites { None } else { self.site }
    }

    /// Whether a row of `site` exists for this user.
    pub fn can_see(&self, site: SiteId) -> bool {
        self.all_sites || self.site == Some(site)
    }

    /// 404 for a row of another site.
    pub fn require_visible(&self, site: SiteId) -> Result<(), AppError> {
        if self.can_see(site) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// 403 unless the role may change workshop records.
    pub fn require_write(&self) -> Result<(), AppError> {
        if self.role.can_write() && self.role != Role::Mechanic {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }

    /// Whether restricted stock rows exist for this user: only managers and superusers see
    /// and change them (others get 404, and lists leave them out).
    pub fn sees_restricted_stock(&self) -> bool {
        matches!(self.role, Role::Superuser | Role::Manager)
    }

    /// 403 unless the role manages stock (SPEC §1: superuser anywhere, a manager at their own
    /// site); and 403 for a site-bound manager writing at another site.
    pub fn require_stock_write(&self, site: SiteId) -> Result<(), AppError> {
        if !matches!(self.role, Role::Superuser | Role::Manager) {
            return Err(AppError::Forbidden(
                "Only a site manager or a superuser can change stock.".into(),
            ));
        }
        self.require_site_for_write(site)
    }

    /// 403 when a write would put a record into a site the user does not belong to.
    pub fn require_site_for_write(&self, site: SiteId) -> Result<(), AppError> {
        self.require_write()?;
        match self.bound_site() {
            Some(own) if own != site => Err(AppError::Forbidden(
                "You can only record things at your own site.".into(),
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_user_sees_only_their_site_whatever_they_chose() {
        let scope = Scope::new(Role::Advisor, Some(SiteId(1)), Some(SiteId(2)));
        assert!(scope.can_see(SiteId(1)));
        assert!(!scope.can_see(SiteId(2)));
        assert_eq!(scope.list_site(), Some(SiteId(1)));
        assert!(scope.require_site_for_write(SiteId(2)).is_err());
        assert!(scope.require_site_for_write(SiteId(1)).is_ok());
    }

    #[test]
    fn hq_sees_everything_and_writes_nothing() {
        let scope = Scope::new(Role::Hq, None, Some(SiteId(2)));
        assert!(scope.can_see(SiteId(1)));
        assert_eq!(
            scope.list_site(),
            Some(SiteId(2)),
            "the switcher narrows lists"
        );
        assert!(scope.require_write().is_err());
    }
}
