//! Writing an output folder, below both pipelines: `results.json`,
//! `tables/*.csv` and `figures/*.svg` with their data as CSV, and a page, all
//! written at once so that a failed or interrupted run never leaves a folder
//! that looks complete but mixes two runs.

use super::figure::Figure;
use super::table::ShowTable;
use crate::error::{Error, Result};
use polars::prelude::{CsvWriter, DataFrame, SerWriter};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What a report writer ([`write_report`](crate::article::write_report), [`write_records_report`](crate::records::write_records_report)) wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// The output folder.
    pub out_dir: PathBuf,
    /// Every file written, relative to `out_dir`.
    pub files: Vec<PathBuf>,
}

impl Written {
    /// Show in a notebook as one line: how many files, and where.
    pub fn evcxr_display(&self) {
        super::notebook::show(
            "text/plain",
            &format!(
                "wrote {} files to {}",
                self.files.len(),
                crate::paths::shown(&self.out_dir)
            ),
        );
    }
}

/// The marker that commits an output folder: it is written last.
const RESULTS: &str = "results.json";

/// The list of the files a run wrote (one path relative to the folder per
/// line), so that the next run into the folder removes those it does not
/// write again (`figures/by_area.svg` after a run without `--by`, say).
const MANIFEST: &str = ".detainers-files";

/// The files the run that wrote `out_dir` listed in its [`MANIFEST`] (none
/// when there is no list). Only names a run writes are taken from it
/// ([`is_run_file`]): the list is a file in the folder, and a folder can
/// come from anywhere.
fn previous_files(out_dir: &Path) -> Vec<String> {
    // A plain file of a sane size: not a link, a pipe or a device.
    let path = out_dir.join(MANIFEST);
    let plain = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= 1 << 20);
    let Some(text) = plain.then(|| std::fs::read_to_string(&path).ok()).flatten() else {
        return Vec::new();
    };
    text.lines()
        .filter(|rel| is_run_file(rel))
        .map(String::from)
        .collect()
}

/// Whether `rel` names a file a run writes: `results.json`, `report.html`,
/// `tables/NAME.csv` or `figures/NAME.svg` / `.csv`, with a plain name
/// (letters, digits, `_`, `-`, `.`, not starting with `.`). Only where a run
/// writes, then: a list cannot name a path out of the folder or a reader's
/// own file beside the run's.
fn is_run_file(rel: &str) -> bool {
    if rel == RESULTS || rel == "report.html" {
        return true;
    }
    let Some((folder, name)) = rel.split_once('/') else {
        return false;
    };
    let plain = !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    let kind = match folder {
        "tables" => name.ends_with(".csv"),
        "figures" => name.ends_with(".csv") || name.ends_with(".svg"),
        _ => false,
    };
    plain && kind
}

/// The files of one output folder, gathered in memory and then written
/// together by [`OutputFiles::write`].
#[derive(Debug, Default)]
pub(crate) struct OutputFiles {
    files: Vec<(String, Vec<u8>)>,
}

impl OutputFiles {
    /// A file at `rel` (a path relative to the folder, with `/`).
    pub(crate) fn add(&mut self, rel: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.push((rel.into(), bytes.into()));
    }

    /// `results.json`, `tables/<name>.csv` and `figures/<name>.svg` + `.csv`:
    /// the part of a report that both report kinds share.
    pub(crate) fn add_results_tables_figures<T: Serialize>(
        &mut self,
        results: &T,
        tables: &[(&'static str, ShowTable)],
        figures: &[Figure],
    ) -> Result<()> {
        let json =
            serde_json::to_string_pretty(results).map_err(|e| Error::output_caused(RESULTS, e))?;
        self.add(RESULTS, format!("{json}\n"));
        for (name, table) in tables {
            self.add(format!("tables/{name}.csv"), frame_to_csv(&table.frame)?);
        }
        for f in figures {
            self.add(format!("figures/{}.svg", f.name), f.svg.as_bytes());
            self.add(format!("figures/{}.csv", f.name), frame_to_csv(&f.data)?);
        }
        Ok(())
    }

    /// Write every file under `out_dir`, atomically as a whole:
    ///
    /// 1. each file is written to a temporary name beside its final one
    ///    ([`temporary_beside`], `.<name>.<pid>.partial`); if any write
    ///    fails (a full disk, a folder that cannot be made), the temporary
    ///    files are removed and the previous output is left exactly as it
    ///    was;
    /// 2. the previous `results.json` is moved aside, and the previous
    ///    run's [`MANIFEST`] replaced by one listing the files of both runs
    ///    (so a run killed from here on leaves no file that no list names);
    ///    the files the previous run listed that this run does not write
    ///    are moved aside; then each file is put in place, the file it
    ///    replaces moved aside first (`.<name>.<pid>.previous`), the list
    ///    of this run's files next to last and the new `results.json` last.
    ///    If a move fails (a name taken by a folder, say), every file put in
    ///    place is taken out and every file moved aside is moved back: the
    ///    folder holds the previous run, complete, as before the call. Once
    ///    all are in place, the files moved aside are removed.
    ///
    /// So after any failed call the folder holds the complete previous run,
    /// and a folder that holds a `results.json` holds one complete run and
    /// nothing left from another: a process killed during step 2 leaves
    /// none, and the previous run's files hidden as `.previous` until the
    /// next run into the folder removes them.
    pub(crate) fn write(mut self, out_dir: &Path) -> Result<Written> {
        let written: Vec<PathBuf> = self
            .files
            .iter()
            .map(|(rel, _)| PathBuf::from(rel))
            .collect();
        let mut listed: Vec<&str> = self.files.iter().map(|(rel, _)| rel.as_str()).collect();
        listed.sort_unstable();
        let previous = previous_files(out_dir);
        let stale: Vec<PathBuf> = previous
            .iter()
            .filter(|rel| listed.binary_search(&rel.as_str()).is_err())
            .map(|rel| out_dir.join(rel))
            .collect();
        let listing = |names: &[&str]| {
            names
                .iter()
                .map(|rel| format!("{rel}\n"))
                .collect::<String>()
        };
        // Put in place before any file moves, this list names every file
        // of either run, so a run killed halfway leaves none unlisted.
        let mut both: Vec<&str> = listed
            .iter()
            .copied()
            .chain(previous.iter().map(String::as_str))
            .collect();
        both.sort_unstable();
        both.dedup();
        let both = listing(&both);
        let manifest = out_dir.join(MANIFEST);
        let manifest_both = temporary_beside(&manifest, "union");
        let final_listing = listing(&listed);
        self.add(MANIFEST, final_listing);
        let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(self.files.len());
        let unstage = |staged: &[(PathBuf, PathBuf)]| {
            for (tmp, _) in staged {
                let _ = std::fs::remove_file(tmp);
            }
        };
        for (rel, bytes) in &self.files {
            let target = out_dir.join(rel);
            let tmp = temporary_beside(&target, "partial");
            let stage = || -> Result<()> {
                let folder = target.parent().unwrap_or(out_dir);
                std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
                remove_leftovers(folder);
                std::fs::write(&tmp, bytes).map_err(|e| Error::io(&target, e))
            };
            if let Err(e) = stage() {
                let _ = std::fs::remove_file(&tmp);
                unstage(&staged);
                return Err(e);
            }
            staged.push((tmp, target));
        }
        if let Err(e) = std::fs::write(&manifest_both, both) {
            let _ = std::fs::remove_file(&manifest_both);
            unstage(&staged);
            return Err(Error::io(&manifest, e));
        }
        let results = out_dir.join(RESULTS);
        staged.sort_by_key(|(_, target)| *target == results);
        // Every move made, in order, so that a failure can undo them.
        let mut moves = Moves::default();
        let outcome = (|| -> Result<()> {
            moves.aside(&results)?;
            // The previous list is kept aside as a copy and the list of both
            // runs replaces it in one rename: at no moment is there no list.
            moves.keep_copy(&manifest)?;
            moves.put_in_place(&manifest_both, &manifest)?;
            for old in &stale {
                moves.aside(old)?;
            }
            for (tmp, target) in &staged {
                // The list of both runs is replaced, not moved aside: the
                // previous run's list is already aside.
                if target != &results && target != &manifest {
                    moves.aside(target)?;
                }
                moves.put_in_place(tmp, target)?;
            }
            Ok(())
        })();
        if let Err(e) = outcome {
            moves.undo();
            unstage(&staged);
            let _ = std::fs::remove_file(&manifest_both);
            return Err(e);
        }
        moves.forget_previous();
        Ok(Written {
            out_dir: out_dir.to_path_buf(),
            files: written,
        })
    }
}

/// The moves of [`OutputFiles::write`]'s second step, kept so a failure can
/// undo them in reverse.
#[derive(Default)]
struct Moves {
    /// (the file moved aside, where it went)
    aside: Vec<(PathBuf, PathBuf)>,
    /// Files put in place.
    placed: Vec<PathBuf>,
}

impl Moves {
    /// Move `target` aside, when there is a file there.
    fn aside(&mut self, target: &Path) -> Result<()> {
        if !target.is_file() {
            return Ok(());
        }
        let previous = temporary_beside(target, "previous");
        std::fs::rename(target, &previous).map_err(|e| Error::io(target, e))?;
        self.aside.push((target.to_path_buf(), previous));
        Ok(())
    }

    /// Keep a copy of `target` aside (a hard link, else a copy), when there
    /// is a file there, to be put back as [`Moves::aside`] puts back.
    fn keep_copy(&mut self, target: &Path) -> Result<()> {
        if !target.is_file() {
            return Ok(());
        }
        let previous = temporary_beside(target, "previous");
        let _ = std::fs::remove_file(&previous);
        std::fs::hard_link(target, &previous)
            .or_else(|_| std::fs::copy(target, &previous).map(drop))
            .map_err(|e| Error::io(target, e))?;
        self.aside.push((target.to_path_buf(), previous));
        Ok(())
    }

    /// Move the staged `tmp` to `target`.
    fn put_in_place(&mut self, tmp: &Path, target: &Path) -> Result<()> {
        std::fs::rename(tmp, target).map_err(|e| Error::io(target, e))?;
        self.placed.push(target.to_path_buf());
        Ok(())
    }

    /// Take out every file put in place and move back every file moved
    /// aside (best effort: a failure here has nothing left to fall back on).
    fn undo(self) {
        for target in self.placed.iter().rev() {
            let _ = std::fs::remove_file(target);
        }
        for (target, previous) in self.aside.iter().rev() {
            let _ = std::fs::rename(previous, target);
        }
    }

    /// Remove the files moved aside, once every new file is in place.
    fn forget_previous(self) {
        for (_, previous) in &self.aside {
            let _ = std::fs::remove_file(previous);
        }
    }
}

/// A hidden path beside `path` for a file on its way there or out of the
/// way: `.<name>.<pid>.<suffix>` (`partial` for one being written,
/// `previous` for the one it replaces).
pub(crate) fn temporary_beside(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.{suffix}", std::process::id()))
}

/// Run `write` on a temporary file beside `path`, then rename it into place;
/// on failure the temporary file is removed and `path` is left as it was.
pub(crate) fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&Path) -> Result<T>,
) -> Result<T> {
    let partial = temporary_beside(path, "partial");
    match write(&partial) {
        Ok(v) => {
            std::fs::rename(&partial, path).map_err(|e| Error::io(path, e))?;
            Ok(v)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// Remove temporary files that an earlier, killed run left in `folder`
/// (`.<name>.<pid>.partial`, `.previous` or `.union`, for a process that
/// no longer exists).
fn remove_leftovers(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix('.').and_then(|n| {
            n.strip_suffix(".partial")
                .or_else(|| n.strip_suffix(".previous"))
                .or_else(|| n.strip_suffix(".union"))
        }) else {
            continue;
        };
        let pid = rest.rsplit('.').next().and_then(|p| p.parse::<u32>().ok());
        let alive = pid
            .is_some_and(|p| p == std::process::id() || Path::new(&format!("/proc/{p}")).exists());
        if pid.is_some() && !alive {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A DataFrame as CSV bytes.
pub fn frame_to_csv(frame: &DataFrame) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut frame = frame.clone();
    CsvWriter::new(&mut buf).finish(&mut frame)?;
    Ok(buf)
}
