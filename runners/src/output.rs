//! Run outputs: episodes.parquet, turns.parquet, transcripts.jsonl and summary.json, each written atomically.
//!
//! Workers turn each finished shard into [`ShardProducts`] (columns, JSON lines, stats); a single writer appends
//! them in episode order as row groups, so memory stays bounded however many episodes a run has.

mod columns;
mod text;
mod transcript;

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use polars::prelude::{DataFrame, ParquetCompression, ParquetWriter};
use sim_core::prelude::*;

pub use text::ShardTexts;
pub use transcript::{TranscriptLine, transcript_line};

use crate::atomic::{AtomicFile, PendingPath};
use crate::summary::Stats;

/// Which episodes get a line in transcripts.jsonl.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TranscriptMode {
    /// Every episode.
    All,
    /// Every episode with a violation or without resolution, plus every `every`-th episode.
    FailingAndSample {
        /// Sampling stride.
        every: u64,
    },
    /// No transcripts file.
    None,
}

impl TranscriptMode {
    /// Whether an episode gets a transcript line.
    pub fn keeps(self, record: &EpisodeRecord) -> bool {
        match self {
            TranscriptMode::All => true,
            TranscriptMode::FailingAndSample { every } => {
                record.violations > 0
                    || !record.resolved
                    || record.episode.is_multiple_of(every.max(1))
            }
            TranscriptMode::None => false,
        }
    }
}

/// What output rendering needs to know about the run.
#[derive(Clone, Debug)]
pub struct OutputContext {
    /// The scenario.
    pub scenario: Arc<ScenarioSpec>,
    /// The personas.
    pub personas: Arc<[PersonaSpec]>,
    /// Transcript selection.
    pub transcripts: TranscriptMode,
}

/// One shard, ready to write.
#[derive(Debug)]
pub struct ShardProducts {
    /// Its statistics.
    pub stats: Stats,
    /// Rows for episodes.parquet.
    pub episodes: DataFrame,
    /// Rows for turns.parquet.
    pub turns: DataFrame,
    /// Lines for transcripts.jsonl.
    pub transcripts: Vec<u8>,
}

/// Turns a finished shard into output rows (runs on the worker that simulated it).
pub fn shard_products(ctx: &OutputContext, out: &ShardOutput) -> Result<ShardProducts> {
    let mut stats = Stats::new(&ctx.scenario);
    stats.add_shard(&ctx.scenario, &ctx.personas, out);
    let episodes = columns::episodes_frame(ctx, out).context("cannot build episode columns")?;
    let texts = ShardTexts::render(ctx, out);
    let turns = columns::turns_frame(ctx, out, &texts).context("cannot build turn columns")?;
    let mut transcripts = Vec::new();
    for record in out.episodes.iter().filter(|record| ctx.transcripts.keeps(record)) {
        serde_json::to_writer(&mut transcripts, &transcript_line(ctx, out, &texts, record))?;
        transcripts.push(b'\n');
    }
    Ok(ShardProducts { stats, episodes, turns, transcripts })
}

/// The open output files of a run.
pub struct Outputs {
    dir: PathBuf,
    episodes: ParquetSink,
    turns: ParquetSink,
    transcripts: Option<AtomicFile>,
}

struct ParquetSink {
    pending: PendingPath,
    writer: Option<polars::io::parquet::write::BatchedWriter<File>>,
    file: Option<File>,
}

impl ParquetSink {
    fn create(path: &Path) -> Result<ParquetSink> {
        let (pending, file) = PendingPath::create(path)?;
        Ok(ParquetSink { pending, writer: None, file: Some(file) })
    }

    fn write(&mut self, frame: &DataFrame) -> Result<()> {
        if self.writer.is_none() {
            let file = self.file.take().expect("file is taken once");
            let writer = ParquetWriter::new(file)
                .with_compression(ParquetCompression::Snappy)
                .batched(frame.schema())
                .context("cannot start parquet writer")?;
            self.writer = Some(writer);
        }
        self.writer
            .as_mut()
            .expect("writer exists")
            .write_batch(frame)
            .context("cannot write parquet row group")
    }

    fn finish(mut self, empty: DataFrame) -> Result<()> {
        if self.writer.is_none() {
            self.write(&empty)?;
        }
        let writer = self.writer.take().expect("writer exists");
        writer.finish().context("cannot finish parquet file")?;
        drop(writer);
        self.pending.commit()
    }
}

impl Outputs {
    /// Creates the output directory and starts every file.
    pub fn create(dir: &Path, transcripts: TranscriptMode) -> Result<Outputs> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create output directory {}", dir.display()))?;
        remove_stale_partials(dir)?;
        Ok(Outputs {
            dir: dir.to_owned(),
            episodes: ParquetSink::create(&dir.join("episodes.parquet"))?,
            turns: ParquetSink::create(&dir.join("turns.parquet"))?,
            transcripts: match transcripts {
                TranscriptMode::None => None,
                _ => Some(AtomicFile::create(&dir.join("transcripts.jsonl"))?),
            },
        })
    }

    /// Appends one shard.
    pub fn write(&mut self, products: &ShardProducts) -> Result<()> {
        self.episodes.write(&products.episodes)?;
        self.turns.write(&products.turns)?;
        if let Some(file) = self.transcripts.as_mut() {
            file.writer()
                .write_all(&products.transcripts)
                .context("cannot write transcripts.jsonl")?;
        }
        Ok(())
    }

    /// Finishes every file and writes summary.json; only now do the files appear under their names.
    ///
    /// summary.json marks a complete run: it is removed first and written last, so a crash while the other files
    /// are renamed into place never leaves a summary next to a mix of old and new files.
    pub fn finish(self, ctx: &OutputContext, summary: &serde_json::Value) -> Result<()> {
        let summary_path = self.dir.join("summary.json");
        remove_if_present(&summary_path)?;
        if self.transcripts.is_none() {
            // A transcripts.jsonl left by an earlier run would not describe this one.
            remove_if_present(&self.dir.join("transcripts.jsonl"))?;
        }
        let empty = ShardOutput::default();
        self.episodes.finish(columns::episodes_frame(ctx, &empty)?)?;
        self.turns.finish(columns::turns_frame(ctx, &empty, &ShardTexts::default())?)?;
        if let Some(file) = self.transcripts {
            file.commit()?;
        }
        let json = serde_json::to_vec_pretty(summary)?;
        crate::atomic::write_all(&summary_path, &json)
    }
}

/// The files a run writes.
const OUTPUT_NAMES: [&str; 4] =
    ["episodes.parquet", "turns.parquet", "transcripts.jsonl", "summary.json"];

/// Removes `.NAME.PID.partial` files an interrupted earlier run left behind.
fn remove_stale_partials(dir: &Path) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let stale = name.ends_with(".partial")
            && OUTPUT_NAMES.iter().any(|output| name.starts_with(&format!(".{output}.")));
        if stale {
            remove_if_present(&entry.path())?;
        }
    }
    Ok(())
}

fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err).with_context(|| format!("cannot remove {}", path.display())),
    }
}
