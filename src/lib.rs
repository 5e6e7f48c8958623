//! Workshop: runs vehicle repair workshops. `main.rs` is the command line; everything else is
//! here so that tests start the very same application.

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod messaging;
pub mod scheduler;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;
