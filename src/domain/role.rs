//! Roles of SPEC §1 and what each may do in general; site scoping is applied in the data layer.

use serde::Serialize;

/// What a staff user is allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Superuser,
    Hq,
    Manager,
    Advisor,
    Mechanic,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Superuser,
        Role::Hq,
        Role::Manager,
        Role::Advisor,
        Role::Mechanic,
    ];

    /// Parses the value stored in `users.role`.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Superuser => "superuser",
            Role::Hq => "hq",
            Role::Manager => "manager",
            Role::Advisor => "advisor",
            Role::Mechanic => "mechanic",
        }
    }

    /// The label staff see.
    pub fn label(self) -> &'static str {
        match self {
            Role::Superuser => "Superuser",
            Role::Hq => "Head office",
            Role::Manager => "Site manager",
            Role::Advisor => "Service advisor",
            Role::Mechanic => "Mechanic",
        }
    }

    /// Superuser and HQ see every site; the others are bound to one.
    pub fn sees_all_sites(self) -> bool {
        matches!(self, Role::Superuser | Role::Hq)
    }

    /// Whether cost prices and margins are shown: management only, never the front desk or
    /// mechanics.
    pub fn sees_cost_prices(self) -> bool {
        matches!(self, Role::Superuser | Role::Hq | Role::Manager)
    }

    /// Whether the role changes workshop records at all (HQ only reads, outside promotions).
    pub fn can_write(self) -> bool {
        !matches!(self, Role::Hq)
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn every_role_round_trips_through_its_stored_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn only_superuser_and_hq_see_every_site() {
        let all: Vec<_> = Role::ALL
            .into_iter()
            .filter(|r| r.sees_all_sites())
            .collect();
        assert_eq!(all, [Role::Superuser, Role::Hq]);
    }
}
