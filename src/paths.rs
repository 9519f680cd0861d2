//! Where things live: every default path resolves from the crate's own folder,
//! so the binary, the tests and the notebooks agree wherever they run from.

use std::path::PathBuf;

/// The repository root (the folder holding `Cargo.toml`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A bundled dataset folder, e.g. `dataset_dir("boston-2018")`.
pub fn dataset_dir(name: &str) -> PathBuf {
    repo_root().join("data").join(name)
}

/// The default output folder for a dataset, e.g. `out/boston-2018`.
pub fn output_dir(name: &str) -> PathBuf {
    repo_root().join("out").join(name)
}

/// The folder of shared third-party data (`../shared/data/real` beside the
/// repository), overridable with `DETAINERS_SHARED_DATA`.
pub fn shared_real_data() -> PathBuf {
    std::env::var_os("DETAINERS_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            repo_root()
                .join("..")
                .join("shared")
                .join("data")
                .join("real")
        })
}

/// A path as shown to people: relative to the repository root when it is
/// inside it (so it reads the same in every clone), else as given.
pub(crate) fn shown(path: &std::path::Path) -> String {
    match path.strip_prefix(repo_root()) {
        Ok(rel) => rel.display().to_string(),
        Err(_) => path.display().to_string(),
    }
}
