//! Standard output that a closed pipe ends quietly (`rehearse run | head`): the write fails with [`ClosedStdout`],
//! which the binary turns into a silent exit instead of Rust's "Broken pipe" panic.

use std::io::Write;

/// Standard output was closed by the reader.
#[derive(Debug, thiserror::Error)]
#[error("standard output was closed")]
pub struct ClosedStdout;

/// Writes `text` to standard output and flushes it.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Err(ClosedStdout.into()),
        Err(err) => Err(anyhow::Error::new(err).context("cannot write to standard output")),
    }
}
