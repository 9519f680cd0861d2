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
/// inside it or beside it (`../shared/...`), so that a page reads the same
/// in every clone and names no folder of the machine that wrote it; else
/// as given.
pub(crate) fn shown(path: &std::path::Path) -> String {
    let root = repo_root();
    let canonical =
        |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (path_c, root_c) = (canonical(path), canonical(&root));
    for (p, r) in [(path, root.as_path()), (path_c.as_path(), root_c.as_path())] {
        if let Ok(rel) = p.strip_prefix(r) {
            return rel.display().to_string();
        }
        if let Some(rel) = r.parent().and_then(|parent| p.strip_prefix(parent).ok()) {
            return std::path::Path::new("..").join(rel).display().to_string();
        }
    }
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_from_the_repository_or_beside_it() {
        let root = repo_root();
        assert_eq!(
            shown(&root.join("data/boston-2018/cases.csv")),
            "data/boston-2018/cases.csv"
        );
        let beside = root.parent().unwrap().join("shared/data/real/x.csv");
        assert_eq!(shown(&beside), "../shared/data/real/x.csv");
        assert_eq!(
            shown(std::path::Path::new("relative/y.csv")),
            "relative/y.csv"
        );
    }
}
