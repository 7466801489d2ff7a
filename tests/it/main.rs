//! The cross-crate integration test binary: determinism, golden transcripts, data lint, loader fuzzing.

mod abcd_fidelity;
mod agent_text;
mod asks_again;
mod bank;
mod cheats;
mod conformance;
mod data_lint;
mod determinism;
mod faults;
mod free_text;
mod fuzz_loaders;
mod gives_more;
mod golden;
mod named_calls;
mod properties;
mod retention;
mod rules;
mod sales;
mod shown_facts;
mod star_fidelity;
mod support;
mod telecom;
mod tried;
mod tries_again;
