//! The one integration-test binary: every test talks to a real server over a real socket, with
//! its own fresh database. Tests marked `postgres` or `browser` are ignored by plain
//! `cargo test`; `.ci/run` runs them all with `--include-ignored` and fails if any is skipped.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test that cannot set itself up should fail loudly"
)]

mod helpers;

mod access_matrix;
mod api_auth;
mod browser;
mod browser_blast;
mod browser_invoices;
mod browser_jobs;
mod browser_stock;
mod cli;
mod completion_api;
mod customer_search;
mod customers_api;
mod customers_pages;
mod demo;
mod demo_jobs;
mod global_search;
mod health;
mod inventory_api;
mod inventory_pages;
mod invoice_pages;
mod invoice_payments;
mod invoicing;
mod job_access_pages;
mod job_fixtures;
mod job_pages;
mod jobs_api;
mod mechanics;
mod messaging_access;
mod messaging_delivery;
mod messaging_events;
mod messaging_jobs;
mod messaging_pages;
mod messaging_support;
mod migrations;
mod openapi;
mod products_api;
mod products_import;
mod products_pages;
mod promotions_api;
mod query_counts;
mod sales_pages;
mod session;
mod setup;
mod share_links;
mod shell;
mod sign_in;
mod sites_api;
mod sites_pages;
mod smtp_sink;
mod staff;
mod staff_invites;
mod vehicles_api;
mod vehicles_pages;
