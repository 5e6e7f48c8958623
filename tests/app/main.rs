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
mod browser_stock;
mod cli;
mod customer_search;
mod customers_api;
mod customers_pages;
mod demo;
mod health;
mod inventory_api;
mod inventory_pages;
mod mechanics;
mod migrations;
mod openapi;
mod products_api;
mod products_import;
mod products_pages;
mod query_counts;
mod session;
mod setup;
mod shell;
mod sign_in;
mod sites_api;
mod sites_pages;
mod staff;
mod vehicles_api;
mod vehicles_pages;
