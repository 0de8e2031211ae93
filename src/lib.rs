//! `clerk-backend-api`: a terminal agent for Clerk's Backend API.
//!
//! The data flows one way, one module per step:
//!
//! ```text
//! input line -> command (mode + options) -> plan (requests) -> pipeline
//!   (key, scopes, warnings, confirmation) -> client (HTTP) -> render
//! ```
//!
//! [`spec`] holds the digested OpenAPI spec every step reads; [`source`]
//! finds spec text (a local folder, or GitHub through a disk cache);
//! [`app`] runs one command through the steps; [`repl`] reads commands;
//! [`intent`] turns plain English into a plan.

pub mod app;
pub mod client;
pub mod command;
pub mod console;
pub mod env;
pub mod grammar;
pub mod intent;
pub mod journal;
pub mod memory;
pub mod pipeline;
pub mod plan;
pub mod redact;
pub mod render;
pub mod repl;
pub mod source;
pub mod spec;
