//! The areas of SPEC §5 and which roles see each: the sidebar and the access check of every
//! area page read this one table.

use crate::domain::role::Role;

/// One entry of the sidebar.
#[derive(Debug)]
pub struct Area {
    pub key: &'static str,
    pub label: &'static str,
    pub path: &'static str,
    /// Name of the symbol in `static/icons.svg`.
    pub icon: &'static str,
    pub roles: &'static [Role],
    /// What the area is for, shown while it is being built.
    pub summary: &'static str,
}

use Role::{Advisor, Hq, Manager, Mechanic, Superuser};

const EVERYONE: &[Role] = &[Superuser, Hq, Manager, Advisor, Mechanic];
const FRONT_DESK: &[Role] = &[Superuser, Hq, Manager, Advisor];
const MANAGEMENT: &[Role] = &[Superuser, Hq, Manager];

/// Every area, in sidebar order.
pub const AREAS: &[Area] = &[
    Area {
        key: "home",
        label: "Home",
        path: "/",
        icon: "home",
        roles: EVERYONE,
        summary: "",
    },
    Area {
        key: "dashboard",
        label: "Dashboard",
        path: "/dashboard",
        icon: "chart",
        roles: FRONT_DESK,
        summary: "Revenue, jobs by status, stock alerts and trends for your site or every site.",
    },
    Area {
        key: "my-jobs",
        label: "My jobs",
        path: "/my-jobs",
        icon: "wrench",
        roles: &[Mechanic],
        summary: "The jobs assigned to you: start them and add the parts and labour you used.",
    },
    Area {
        key: "service-requests",
        label: "Service requests",
        path: "/service-requests",
        icon: "wrench",
        roles: FRONT_DESK,
        summary: "Jobs from drive-in to completion: parts, labour, mechanic, invoice.",
    },
    Area {
        key: "sales",
        label: "Sales",
        path: "/sales",
        icon: "cart",
        roles: FRONT_DESK,
        summary: "Counter sales of parts: scan, take payment, print the receipt.",
    },
    Area {
        key: "customers",
        label: "Customers",
        path: "/customers",
        icon: "users",
        roles: FRONT_DESK,
        summary: "Customers, their consent to messages, vehicles and service history.",
    },
    Area {
        key: "vehicles",
        label: "Vehicles",
        path: "/vehicles",
        icon: "car",
        roles: FRONT_DESK,
        summary: "Vehicles by plate, with service history and reminder intervals.",
    },
    Area {
        key: "mechanics",
        label: "Mechanics",
        path: "/mechanics",
        icon: "id",
        roles: FRONT_DESK,
        summary: "Mechanics per site with their assigned and completed jobs.",
    },
    Area {
        key: "inventory",
        label: "Inventory",
        path: "/inventory",
        icon: "box",
        roles: FRONT_DESK,
        summary: "Stock per site: receive, count, adjust, and see what is running low.",
    },
    Area {
        key: "products",
        label: "Products",
        path: "/products",
        icon: "tag",
        roles: EVERYONE,
        summary: "The parts catalogue shared by every site, with CSV import and export.",
    },
    Area {
        key: "invoices",
        label: "Invoices",
        path: "/invoices",
        icon: "receipt",
        roles: FRONT_DESK,
        summary: "Invoices, payments, printable A4 invoices and 80 mm receipts.",
    },
    Area {
        key: "promotions",
        label: "Promotions",
        path: "/promotions",
        icon: "megaphone",
        roles: &[Superuser, Hq],
        summary: "Discounts and SMS blasts to customers who agreed to hear from you.",
    },
    Area {
        key: "messages",
        label: "Messages",
        path: "/messages",
        icon: "chat",
        roles: MANAGEMENT,
        summary: "Every SMS, WhatsApp and email sent or waiting, with retries.",
    },
    Area {
        key: "reports",
        label: "Reports",
        path: "/reports",
        icon: "report",
        roles: MANAGEMENT,
        summary: "Sales reports by period, site and payment method, with CSV export.",
    },
    Area {
        key: "audit",
        label: "Audit trail",
        path: "/audit",
        icon: "shield",
        roles: MANAGEMENT,
        summary: "Who changed what and when, field by field.",
    },
    Area {
        key: "sites",
        label: "Sites",
        path: "/sites",
        icon: "pin",
        roles: &[Superuser, Hq],
        summary: "Workshop locations with address, timezone, tax and invoice footer.",
    },
    Area {
        key: "staff",
        label: "Staff",
        path: "/staff",
        icon: "user-cog",
        roles: &[Superuser, Manager],
        summary: "Staff accounts, roles and sites; reset passwords and end sessions.",
    },
    Area {
        key: "jobs",
        label: "Scheduled jobs",
        path: "/jobs",
        icon: "clock",
        roles: &[Superuser],
        summary: "Daily reminders, promotions and stock alerts, with their runs.",
    },
    Area {
        key: "settings",
        label: "Settings",
        path: "/settings",
        icon: "cog",
        roles: &[Superuser],
        summary: "Business name, currency, logo, tax and message channels.",
    },
];

impl Area {
    pub fn allows(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// The area with this key.
pub fn area(key: &str) -> Option<&'static Area> {
    AREAS.iter().find(|a| a.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_sees_home_and_only_superusers_see_settings() {
        for role in Role::ALL {
            assert!(area("home").is_some_and(|a| a.allows(role)));
            assert_eq!(
                area("settings").is_some_and(|a| a.allows(role)),
                role == Superuser
            );
        }
    }

    #[test]
    fn area_paths_are_unique() {
        let mut paths: Vec<_> = AREAS.iter().map(|a| a.path).collect();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), AREAS.len());
    }
}
