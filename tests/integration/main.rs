//! Every integration test in one binary (ripgrep's `tests/` shape): the
//! library and the binary are linked once, and [`support`] is the one home
//! of the helpers (the binary against wiremock with a clean environment,
//! the real specs from `../shared`, the checks that the key never shows).

mod support;

mod bulk;
mod bulk_plans;
mod bulk_pty;
mod cache;
mod consent;
mod contract_prism;
mod conversation_pty;
mod execute_client;
mod execute_items;
mod execute_key;
mod execute_pipeline;
mod execute_plans;
mod execute_pty;
mod execute_uploads;
mod execute_warnings;
mod fastpaths;
mod fuzz;
mod grammar;
mod hostile;
mod journal;
mod layout;
mod modes;
mod repl;
mod repl_pty;
mod routing;
mod routing_dry_run;
mod spec_index;
mod summaries;
