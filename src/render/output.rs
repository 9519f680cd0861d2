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

/// What a report writer ([`crate::write_report`], [`crate::write_records_report`]) wrote.
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
        let json = serde_json::to_string_pretty(results)
            .map_err(|e| Error::Output(format!("{RESULTS}: {e}")))?;
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
    ///    (`.<name>.<pid>.partial`); if any write fails (a full disk, a
    ///    folder that cannot be made), the temporary files are removed and
    ///    the previous output is left exactly as it was;
    /// 2. the previous `results.json` is removed, every other file is renamed
    ///    into place, and the new `results.json` is renamed into place last.
    ///
    /// So a folder that holds a `results.json` always holds one complete run:
    /// a run interrupted during step 2 leaves none. Temporary files left by a
    /// run that was killed are removed by the next one.
    pub(crate) fn write(self, out_dir: &Path) -> Result<Written> {
        let partial = |rel: &str| -> PathBuf {
            let path = out_dir.join(rel);
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            path.with_file_name(format!(".{name}.{}.partial", std::process::id()))
        };
        let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(self.files.len());
        let unstage = |staged: &[(PathBuf, PathBuf)]| {
            for (tmp, _) in staged {
                let _ = std::fs::remove_file(tmp);
            }
        };
        for (rel, bytes) in &self.files {
            let target = out_dir.join(rel);
            let tmp = partial(rel);
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
        let results = out_dir.join(RESULTS);
        match std::fs::remove_file(&results) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                unstage(&staged);
                return Err(Error::io(&results, e));
            }
            _ => {}
        }
        staged.sort_by_key(|(_, target)| *target == results);
        for (i, (tmp, target)) in staged.iter().enumerate() {
            if let Err(e) = std::fs::rename(tmp, target) {
                unstage(&staged[i..]);
                return Err(Error::io(target, e));
            }
        }
        Ok(Written {
            out_dir: out_dir.to_path_buf(),
            files: self
                .files
                .iter()
                .map(|(rel, _)| PathBuf::from(rel))
                .collect(),
        })
    }
}

/// Remove temporary files that an earlier, killed run left in `folder`
/// (`.<name>.<pid>.partial`, for a process that no longer exists).
fn remove_leftovers(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name
            .strip_prefix('.')
            .and_then(|n| n.strip_suffix(".partial"))
        else {
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
