//! The cross-crate integration test binary: determinism, golden transcripts, data lint.

mod data_lint;
mod determinism;
mod golden;
mod properties;
mod rules;
mod support;
