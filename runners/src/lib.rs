//! sim-runners: everything the `rehearse` binary does, as a library tests can call.
//!
//! Only this crate knows about clap, rayon, polars and output formats; sim-core stays pure.

pub mod agent_io;
pub mod batch;
pub mod bench;
pub mod calibrate;
pub mod cli;
pub mod compare;
pub mod customer_text;
pub mod fork;
pub mod inputs;
pub mod interrupt;
pub mod lint;
pub mod list;
pub mod output;
pub mod policy;
pub mod realism;
pub mod replay;
pub mod run;
pub mod run_dir;
pub mod setup;
pub mod show;
pub mod stdout;
pub mod summary;
pub mod tagger_eval;
pub mod transcripts;
