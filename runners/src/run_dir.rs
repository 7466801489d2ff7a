//! A run's output folder: one run at a time, and a run's files visible together or not at all.
//!
//! A run locks `OUT/.rehearse.lock`; a second run into the same folder fails at once. It writes every file into a
//! staging folder beside `OUT` (`.NAME.staging.PID`, with its own locked lock file), and publishes by swapping the
//! two folders in one `renameat2(RENAME_EXCHANGE)`: before the swap `OUT` holds the previous complete run, after it
//! the new complete run, never a mix. The previous run, now in the staging folder, is then deleted; a run killed
//! before that leaves it behind, and the next run into `OUT` removes it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::setup::BadInput;

/// The lock file inside a run folder.
pub const LOCK_NAME: &str = ".rehearse.lock";

/// The files a run writes.
pub const OUTPUT_NAMES: [&str; 5] =
    ["episodes.parquet", "turns.parquet", "transcripts.jsonl", "summary.json", "manifest.json"];

/// A locked output folder with its staging folder; dropping it unpublished removes the staging folder.
#[derive(Debug)]
pub struct RunDir {
    out: PathBuf,
    staging: PathBuf,
    _lock: File,
    _staging_lock: File,
    published: bool,
}

impl RunDir {
    /// Locks `out` (creating it) and starts an empty staging folder beside it.
    ///
    /// Fails with [`BadInput`] when another run holds the folder or when it holds files rehearse did not write
    /// (they would be lost when the new run replaces the folder).
    pub fn open(out: &Path) -> Result<RunDir> {
        std::fs::create_dir_all(out)
            .with_context(|| format!("cannot create output folder {}", out.display()))?;
        // Swap the folder itself, not a symlink to it.
        let out = std::fs::canonicalize(out)
            .with_context(|| format!("cannot resolve output folder {}", out.display()))?;
        let lock = lock_folder(&out)?;
        check_only_outputs(&out)?;
        let (parent, name) = parent_and_name(&out)?;
        remove_stale_staging(&parent, &name)?;
        let staging = parent.join(format!(".{name}.staging.{}", std::process::id()));
        std::fs::create_dir(&staging)
            .with_context(|| format!("cannot create staging folder {}", staging.display()))?;
        let staging_lock = lock_folder(&staging)?;
        Ok(RunDir { out, staging, _lock: lock, _staging_lock: staging_lock, published: false })
    }

    /// Where the run writes its files until [`RunDir::publish`].
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// The output folder (absolute).
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// Makes the staged files the folder's content in one step and deletes the previous run.
    ///
    /// Every staged file must already be synced; this syncs the staging folder and the parent.
    pub fn publish(mut self) -> Result<()> {
        sync_dir(&self.staging)?;
        let swapped = rustix::fs::renameat_with(
            rustix::fs::CWD,
            &self.staging,
            rustix::fs::CWD,
            &self.out,
            rustix::fs::RenameFlags::EXCHANGE,
        );
        match swapped {
            Ok(()) => {}
            // A file system without the exchange (some network and overlay mounts): move the old run aside, then
            // the new one in. A kill between the two renames leaves no folder at `out`, never a mix.
            Err(err) if err == rustix::io::Errno::INVAL || err == rustix::io::Errno::NOSYS => {
                // `.NAME.staging.PID.old`, which the next run removes if this one dies before the end.
                let aside = PathBuf::from(format!("{}.old", self.staging.display()));
                std::fs::rename(&self.out, &aside)
                    .with_context(|| format!("cannot move {} aside", self.out.display()))?;
                std::fs::rename(&self.staging, &self.out).with_context(|| {
                    format!("cannot move {} to {}", self.staging.display(), self.out.display())
                })?;
                std::fs::rename(&aside, &self.staging).with_context(|| {
                    format!("cannot move {} to {}", aside.display(), self.staging.display())
                })?;
            }
            Err(err) => {
                return Err(std::io::Error::from(err)).with_context(|| {
                    format!("cannot swap {} into {}", self.staging.display(), self.out.display())
                });
            }
        }
        self.published = true;
        if let Some(parent) = self.out.parent() {
            sync_dir(parent)?;
        }
        // The staging path now holds the previous run. The new one is published whatever happens here: a previous
        // run that cannot be removed now is a stale staging folder the next run into `out` removes.
        let _ = std::fs::remove_dir_all(&self.staging);
        Ok(())
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// Locks `dir/.rehearse.lock` and writes this process's id into it; fails with the holder's id when it is taken.
fn lock_folder(dir: &Path) -> Result<File> {
    let path = dir.join(LOCK_NAME);
    loop {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        if file.try_lock().is_err() {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            let who = if holder.is_empty() {
                "another rehearse run".to_owned()
            } else {
                format!("another rehearse run (process {holder})")
            };
            bail!(BadInput(format!(
                "{who} is writing to {}; wait for it to finish or choose another --out",
                dir.display()
            )));
        }
        // A run that published between our open and our lock moved the file we hold out of the folder: retry.
        let held = file.metadata().with_context(|| format!("cannot read {}", path.display()))?;
        match std::fs::metadata(&path) {
            Ok(current) if current.ino() == held.ino() && current.dev() == held.dev() => {}
            _ => continue,
        }
        file.set_len(0).with_context(|| format!("cannot write {}", path.display()))?;
        file.rewind().with_context(|| format!("cannot write {}", path.display()))?;
        write!(file, "{}", std::process::id())
            .with_context(|| format!("cannot write {}", path.display()))?;
        return Ok(file);
    }
}

/// Refuses a folder holding anything but a run's files: replacing the folder would delete it.
fn check_only_outputs(out: &Path) -> Result<()> {
    let mut foreign = Vec::new();
    for entry in std::fs::read_dir(out).with_context(|| format!("cannot list {}", out.display()))? {
        let entry = entry.with_context(|| format!("cannot list {}", out.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // `.NAME.PID.partial`: what runs of rehearse before the staging folder left when interrupted.
        let ours = name == LOCK_NAME
            || OUTPUT_NAMES.contains(&name.as_str())
            || (name.starts_with('.') && name.ends_with(".partial"));
        if !ours {
            foreign.push(name);
        }
    }
    if !foreign.is_empty() {
        foreign.sort();
        bail!(BadInput(format!(
            "--out {} holds files rehearse did not write ({}); a run replaces the whole folder, so choose a new or \
             empty folder",
            out.display(),
            foreign.join(", ")
        )));
    }
    Ok(())
}

fn parent_and_name(out: &Path) -> Result<(PathBuf, String)> {
    let parent = out.parent().context("the output folder cannot be the root folder")?;
    let name = out
        .file_name()
        .and_then(|name| name.to_str())
        .context("the output folder's name is not UTF-8")?;
    Ok((parent.to_owned(), name.to_owned()))
}

/// Removes the staging folders (and moved-aside old runs) dead runs into `parent/name` left behind. Only the holder
/// of the folder's lock calls this, so none of them belongs to a live run.
fn remove_stale_staging(parent: &Path, name: &str) -> Result<()> {
    let prefix = format!(".{name}.staging.");
    for entry in
        std::fs::read_dir(parent).with_context(|| format!("cannot list {}", parent.display()))?
    {
        let entry = entry.with_context(|| format!("cannot list {}", parent.display()))?;
        let stale = entry.file_name().to_str().is_some_and(|entry| {
            entry.strip_prefix(&prefix).is_some_and(|rest| {
                let pid = rest.strip_suffix(".old").unwrap_or(rest);
                !pid.is_empty() && pid.bytes().all(|byte| byte.is_ascii_digit())
            })
        });
        if stale {
            std::fs::remove_dir_all(entry.path()).with_context(|| {
                format!("cannot remove a dead run's staging folder {}", entry.path().display())
            })?;
        }
    }
    Ok(())
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|handle| handle.sync_all())
        .with_context(|| format!("cannot sync {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn publishing_replaces_the_previous_run_whole_and_leaves_no_staging() {
        let parent = tempfile::tempdir().unwrap();
        let out = parent.path().join("demo");
        let first = RunDir::open(&out).unwrap();
        write(first.staging(), "summary.json", "first");
        write(first.staging(), "episodes.parquet", "first");
        first.publish().unwrap();
        let second = RunDir::open(&out).unwrap();
        write(second.staging(), "summary.json", "second");
        second.publish().unwrap();
        assert_eq!(std::fs::read_to_string(out.join("summary.json")).unwrap(), "second");
        assert!(!out.join("episodes.parquet").exists(), "a file of the previous run survived");
        let names: Vec<String> = std::fs::read_dir(parent.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["demo"]);
    }

    #[test]
    fn a_second_run_into_a_locked_folder_fails_at_once_and_touches_nothing() {
        let parent = tempfile::tempdir().unwrap();
        let out = parent.path().join("demo");
        let first = RunDir::open(&out).unwrap();
        let err = RunDir::open(&out).unwrap_err();
        assert!(err.downcast_ref::<BadInput>().is_some());
        assert!(err.to_string().contains("is writing to"), "{err}");
        assert!(err.to_string().contains(&std::process::id().to_string()), "{err}");
        assert!(first.staging().exists(), "the failed run removed the first run's staging folder");
    }

    #[test]
    fn an_unpublished_run_leaves_the_previous_one_and_no_staging() {
        let parent = tempfile::tempdir().unwrap();
        let out = parent.path().join("demo");
        let first = RunDir::open(&out).unwrap();
        write(first.staging(), "summary.json", "first");
        first.publish().unwrap();
        let second = RunDir::open(&out).unwrap();
        write(second.staging(), "summary.json", "second");
        drop(second);
        assert_eq!(std::fs::read_to_string(out.join("summary.json")).unwrap(), "first");
        assert_eq!(std::fs::read_dir(parent.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_dead_run_staging_folder_is_removed_by_the_next_run() {
        let parent = tempfile::tempdir().unwrap();
        let out = parent.path().join("demo");
        let dead = parent.path().join(".demo.staging.999999999");
        std::fs::create_dir_all(&dead).unwrap();
        write(&dead, "episodes.parquet", "half");
        let aside = parent.path().join(".demo.staging.999999999.old");
        std::fs::create_dir_all(&aside).unwrap();
        let other = parent.path().join(".demo2.staging.12");
        std::fs::create_dir_all(&other).unwrap();
        let run = RunDir::open(&out).unwrap();
        assert!(!dead.exists());
        assert!(!aside.exists(), "a moved-aside old run was left");
        assert!(other.exists(), "another folder's staging was removed");
        drop(run);
    }

    #[test]
    fn a_folder_with_files_rehearse_did_not_write_is_refused() {
        let parent = tempfile::tempdir().unwrap();
        let out = parent.path().join("demo");
        std::fs::create_dir_all(&out).unwrap();
        write(&out, "notes.txt", "mine");
        let err = RunDir::open(&out).unwrap_err();
        assert!(err.to_string().contains("notes.txt"), "{err}");
        assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    }
}
