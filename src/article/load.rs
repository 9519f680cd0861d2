//! Load stage: a dataset folder (`datapackage.json`, `status.csv`,
//! `dispositions.csv`, optional `claims.csv` and `cases.csv`) into a checked
//! [`Dataset`]. Files are only read.
//!
//! See the README's "Dataset contract" for what each file holds.

use super::model::{Dataset, DatasetMeta};
use super::validate::{validate_cases, validate_claims, validate_dispositions, validate_status};
use crate::csv_table::{decode_utf8, read_csv};
use crate::error::{Error, Result};
use std::path::Path;

/// Load and validate a dataset folder. Input files are only read.
///
/// # Errors
/// An [`Error::Input`] naming the file, line and column of the first problem.
pub fn load_dataset(dir: impl AsRef<Path>) -> Result<Dataset> {
    let dir = dir.as_ref();
    if !dir.is_dir() {
        return Err(Error::input(dir, None, None, "dataset folder not found"));
    }
    let meta = load_meta(&dir.join("datapackage.json"))?;
    let file = |name: &str| {
        let rel = meta
            .resources
            .iter()
            .find(|r| r.name == name)
            .map_or_else(|| format!("{name}.csv"), |r| r.path.clone());
        dir.join(rel)
    };

    let status_csv = read_csv(
        &file("status"),
        &["status", "hits", "detainers"],
        &["published_percent"],
    )?;
    let status = validate_status(&status_csv)?;

    let dispositions_csv = read_csv(&file("dispositions"), &["outcome", "count"], &["label"])?;
    let dispositions = validate_dispositions(&dispositions_csv, &status)?;

    let claims_path = file("claims");
    let claims = if claims_path.exists() {
        let table = read_csv(
            &claims_path,
            &["id", "quote", "rule"],
            &["measure", "claimed", "unit", "groups", "note"],
        )?;
        validate_claims(&table, &status)?
    } else {
        Vec::new()
    };

    let cases_path = file("cases");
    let cases = if cases_path.exists() {
        let table = read_csv(
            &cases_path,
            &["id", "month", "quote"],
            &[
                "citizenship",
                "place",
                "charge",
                "agency",
                "what_happened",
                "status_when_reported",
                "immigration_history",
            ],
        )?;
        validate_cases(&table)?
    } else {
        Vec::new()
    };

    Ok(Dataset {
        dir: dir.to_path_buf(),
        meta,
        status,
        dispositions,
        claims,
        claims_path,
        cases,
    })
}

fn load_meta(path: &Path) -> Result<DatasetMeta> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = decode_utf8(path, &bytes)?;
    if text.trim().is_empty() {
        return Err(Error::input(path, None, None, "file is empty"));
    }
    let meta: DatasetMeta = serde_json::from_str(&text).map_err(|e| {
        Error::input(
            path,
            Some(e.line() as u64),
            None,
            format!("not a valid data package: {e}"),
        )
    })?;
    if meta.period.end < meta.period.start {
        return Err(Error::input(
            path,
            None,
            Some("period"),
            format!(
                "period ends ({}) before it starts ({})",
                meta.period.end, meta.period.start
            ),
        ));
    }
    let p = meta.assumptions.honored_share.value;
    if !(0.0..=1.0).contains(&p) {
        return Err(Error::input(
            path,
            None,
            Some("assumptions.honored_share.value"),
            format!("{p} is not a share between 0 and 1"),
        ));
    }
    Ok(meta)
}
