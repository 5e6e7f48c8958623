//! Operations that span tables and are shared by pages, the API and the command line.

pub mod accounts;
pub mod blasts;
pub mod customers;
pub mod fields;
pub mod invites;
pub mod jobs;
pub mod mechanics;
pub mod messages;
pub mod notify;
pub mod payments;
pub mod product_import;
pub mod products;
pub mod promotions;
pub mod sites;
pub mod staff;
pub mod stock;
pub mod vehicles;
