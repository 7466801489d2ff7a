//! Run outputs: episodes.parquet, turns.parquet, transcripts.jsonl, summary.json and manifest.json, written into a
//! run's staging folder ([`crate::run_dir`]), which becomes the output folder in one step once all are complete.
//!
//! Workers turn each finished shard into [`ShardProducts`] (columns, JSON lines, stats); a single writer appends
//! them in episode order as row groups, so memory stays bounded however many episodes a run has.

mod columns;
pub mod text;
mod transcript;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use polars::prelude::{DataFrame, ParquetCompression, ParquetWriter};
use sim_core::prelude::*;

pub use text::ShardTexts;
pub use transcript::{TaggedLine, TranscriptLine, transcript_line};

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
    /// How episodes start, to show each transcript's world beside what its customer believes.
    pub starts: Arc<EpisodeStarts>,
    /// Real customers' words for customer turns (`--customer-text`); `None` for the built-in phrasings.
    pub customer_text: Option<Arc<crate::customer_text::CustomerText>>,
}

impl OutputContext {
    /// The context of a run of `scenario` with `personas`.
    pub fn new(
        scenario: Arc<ScenarioSpec>,
        personas: Arc<[PersonaSpec]>,
        transcripts: TranscriptMode,
    ) -> Result<OutputContext> {
        let starts = Arc::new(EpisodeStarts::new(scenario.clone(), personas.clone())?);
        Ok(OutputContext { scenario, personas, transcripts, starts, customer_text: None })
    }

    /// The same context with customer turns drawn from `text`.
    pub fn with_customer_text(
        self,
        text: Option<Arc<crate::customer_text::CustomerText>>,
    ) -> OutputContext {
        OutputContext { customer_text: text, ..self }
    }
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
    stats.customer_text = texts.customer_text.clone();
    let turns = columns::turns_frame(ctx, out, &texts).context("cannot build turn columns")?;
    let mut transcripts = Vec::new();
    for record in out.episodes.iter().filter(|record| ctx.transcripts.keeps(record)) {
        serde_json::to_writer(&mut transcripts, &transcript_line(ctx, out, &texts, record))?;
        transcripts.push(b'\n');
    }
    Ok(ShardProducts { stats, episodes, turns, transcripts })
}

/// The open output files of a run, in its staging folder.
pub struct Outputs {
    dir: PathBuf,
    episodes: ParquetSink,
    turns: ParquetSink,
    transcripts: Option<BufWriter<File>>,
}

struct ParquetSink {
    path: PathBuf,
    writer: Option<polars::io::parquet::write::BatchedWriter<File>>,
    file: Option<File>,
}

impl ParquetSink {
    fn create(path: &Path) -> Result<ParquetSink> {
        let file = create(path)?;
        Ok(ParquetSink { path: path.to_owned(), writer: None, file: Some(file) })
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
        sync(&self.path)
    }
}

impl Outputs {
    /// Starts every file in `dir`, the run's (empty) staging folder.
    pub fn create(dir: &Path, transcripts: TranscriptMode) -> Result<Outputs> {
        Ok(Outputs {
            dir: dir.to_owned(),
            episodes: ParquetSink::create(&dir.join("episodes.parquet"))?,
            turns: ParquetSink::create(&dir.join("turns.parquet"))?,
            transcripts: match transcripts {
                TranscriptMode::None => None,
                _ => {
                    Some(BufWriter::with_capacity(1 << 20, create(&dir.join("transcripts.jsonl"))?))
                }
            },
        })
    }

    /// Appends one shard.
    pub fn write(&mut self, products: &ShardProducts) -> Result<()> {
        self.episodes.write(&products.episodes)?;
        self.turns.write(&products.turns)?;
        if let Some(file) = self.transcripts.as_mut() {
            file.write_all(&products.transcripts).context("cannot write transcripts.jsonl")?;
        }
        Ok(())
    }

    /// Finishes and syncs every file, writes summary.json, and last manifest.json: each file's size and SHA-256,
    /// beside `manifest` (the run's episode count and inputs).
    pub fn finish(
        self,
        ctx: &OutputContext,
        summary: &serde_json::Value,
        mut manifest: serde_json::Map<String, serde_json::Value>,
    ) -> Result<()> {
        let empty = ShardOutput::default();
        self.episodes.finish(columns::episodes_frame(ctx, &empty)?)?;
        self.turns.finish(columns::turns_frame(ctx, &empty, &ShardTexts::default())?)?;
        if let Some(writer) = self.transcripts {
            let file = writer.into_inner().map_err(|err| err.into_error())?;
            file.sync_all().context("cannot sync transcripts.jsonl")?;
        }
        write_synced(&self.dir.join("summary.json"), &serde_json::to_vec_pretty(summary)?)?;
        let mut files = Vec::new();
        for name in crate::run_dir::OUTPUT_NAMES {
            let path = self.dir.join(name);
            if path.exists() {
                files.push(file_entry(&path, name)?);
            }
        }
        manifest.insert("files".into(), serde_json::Value::Array(files));
        write_synced(
            &self.dir.join("manifest.json"),
            &serde_json::to_vec_pretty(&serde_json::Value::Object(manifest))?,
        )
    }
}

fn create(path: &Path) -> Result<File> {
    File::create(path).with_context(|| format!("cannot create {}", path.display()))
}

fn sync(path: &Path) -> Result<()> {
    File::open(path)
        .and_then(|file| file.sync_all())
        .with_context(|| format!("cannot sync {}", path.display()))
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = create(path)?;
    file.write_all(bytes).with_context(|| format!("cannot write {}", path.display()))?;
    file.sync_all().with_context(|| format!("cannot sync {}", path.display()))
}

/// A file's name, size and SHA-256 for the manifest.
fn file_entry(path: &Path, name: &str) -> Result<serde_json::Value> {
    let mut file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    use sha2::Digest as _;
    use std::io::Read as _;
    let mut hasher = sha2::Sha256::new();
    let mut buffer = vec![0; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let read =
            file.read(&mut buffer).with_context(|| format!("cannot read {}", path.display()))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        bytes += read as u64;
    }
    Ok(serde_json::json!({"name": name, "bytes": bytes, "sha256": hex(&hasher.finalize())}))
}

/// Writes `bytes` to `path` whole or not at all: into `.NAME.partial` beside it, synced, then renamed over it (a
/// failed write leaves `path` as it was and removes the partial file).
pub fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().map_or_else(|| "out".into(), |name| name.to_string_lossy());
    let staged = path.with_file_name(format!(".{name}.partial"));
    let written = File::create(&staged)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&staged, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&staged);
    }
    written
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
