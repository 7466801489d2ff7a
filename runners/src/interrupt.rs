//! SIGINT and SIGTERM: a run stops after the wave in progress, removes its partial output, says so and exits 130 or
//! 143. A second signal of the same kind ends the process at once (the next run removes what it left).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use signal_hook::consts::{SIGINT, SIGTERM};

/// The signals a run watches for.
#[derive(Debug)]
pub struct Interrupt {
    int: Arc<AtomicBool>,
    term: Arc<AtomicBool>,
}

/// A run stopped by a signal.
#[derive(Debug, thiserror::Error)]
#[error("interrupted by {name}", name = if *.signal == SIGINT { "SIGINT" } else { "SIGTERM" })]
pub struct Interrupted {
    /// The signal's number.
    pub signal: i32,
}

impl Interrupted {
    /// The conventional exit code: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM).
    pub fn exit_code(&self) -> u8 {
        (128 + self.signal) as u8
    }
}

impl Interrupt {
    /// Installs the handlers.
    pub fn install() -> Result<Interrupt> {
        let int = Arc::new(AtomicBool::new(false));
        let term = Arc::new(AtomicBool::new(false));
        for (signal, flag) in [(SIGINT, &int), (SIGTERM, &term)] {
            // Order matters: a signal that finds the flag already set terminates the process.
            signal_hook::flag::register_conditional_shutdown(signal, 128 + signal, flag.clone())
                .and_then(|_| signal_hook::flag::register(signal, flag.clone()))
                .context("cannot install the signal handlers")?;
        }
        Ok(Interrupt { int, term })
    }

    /// Flags no handler sets: for callers of the library that handle signals themselves (tests).
    pub fn unwatched() -> Interrupt {
        Interrupt { int: Arc::default(), term: Arc::default() }
    }

    /// Fails with [`Interrupted`] once a signal arrived.
    pub fn check(&self) -> Result<(), Interrupted> {
        if self.int.load(Ordering::Relaxed) {
            return Err(Interrupted { signal: SIGINT });
        }
        if self.term.load(Ordering::Relaxed) {
            return Err(Interrupted { signal: SIGTERM });
        }
        Ok(())
    }
}
