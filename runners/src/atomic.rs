//! Atomic output files: written under a temporary name in the same directory, renamed into place when complete.
//!
//! An interrupted run leaves only `.*.partial` files behind, never a half-written file under its real name.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A file being written; becomes visible under its final name on [`AtomicFile::commit`].
#[derive(Debug)]
pub struct AtomicFile {
    final_path: PathBuf,
    temp_path: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Starts writing `path` (through a temporary sibling).
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let (temp_path, file) = create_temp_sibling(path)?;
        Ok(AtomicFile {
            final_path: path.to_owned(),
            temp_path,
            writer: Some(BufWriter::with_capacity(1 << 20, file)),
        })
    }

    /// The writer.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer.as_mut().expect("not yet committed")
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> Result<()> {
        let writer = self.writer.take().expect("committed once");
        let file = writer
            .into_inner()
            .map_err(|err| err.into_error())
            .with_context(|| format!("cannot write {}", self.temp_path.display()))?;
        file.sync_all().with_context(|| format!("cannot sync {}", self.temp_path.display()))?;
        drop(file);
        std::fs::rename(&self.temp_path, &self.final_path).with_context(|| {
            format!("cannot rename {} to {}", self.temp_path.display(), self.final_path.display())
        })
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.is_some() {
            // Not committed: remove the partial file so nothing half-written remains.
            self.writer = None;
            let _ = std::fs::remove_file(&self.temp_path);
        }
    }
}

/// Creates `.NAME.PID.partial` next to `path`.
fn create_temp_sibling(path: &Path) -> Result<(PathBuf, File)> {
    let name =
        path.file_name().and_then(|name| name.to_str()).context("output path has no file name")?;
    let temp_path = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let file = File::create(&temp_path)
        .with_context(|| format!("cannot create {}", temp_path.display()))?;
    Ok((temp_path, file))
}

/// Writes `bytes` to `path` atomically.
pub fn write_all(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.writer().write_all(bytes).with_context(|| format!("cannot write {}", path.display()))?;
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncommitted_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        {
            let mut file = AtomicFile::create(&path).unwrap();
            file.writer().write_all(b"half").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        write_all(&path, b"whole").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"whole");
    }
}

/// A temporary path that is renamed to its final name on [`PendingPath::commit`], for writers that own their file.
#[derive(Debug)]
pub struct PendingPath {
    final_path: PathBuf,
    temp_path: PathBuf,
    committed: bool,
}

impl PendingPath {
    /// Creates the temporary file and returns it with the pending path.
    pub fn create(path: &Path) -> Result<(PendingPath, File)> {
        let (temp_path, file) = create_temp_sibling(path)?;
        Ok((PendingPath { final_path: path.to_owned(), temp_path, committed: false }, file))
    }

    /// Syncs the (already closed) temporary file and renames it into place.
    pub fn commit(mut self) -> Result<()> {
        let file = File::open(&self.temp_path)
            .with_context(|| format!("cannot reopen {}", self.temp_path.display()))?;
        file.sync_all().with_context(|| format!("cannot sync {}", self.temp_path.display()))?;
        std::fs::rename(&self.temp_path, &self.final_path).with_context(|| {
            format!("cannot rename {} to {}", self.temp_path.display(), self.final_path.display())
        })?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for PendingPath {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.temp_path);
        }
    }
}
