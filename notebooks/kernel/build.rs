//! Builds the `detainers` crate as a shared library for one notebook kernel.
//!
//! `scripts/setup` builds this crate once too, so that the library is built
//! by this one command before the first kernel starts.
//!
//! The kernel's launcher (`launch`) sets:
//! - `DETAINERS_KERNEL_LIB`: a folder of this kernel's own, on the kernel's
//!   `LD_LIBRARY_PATH`, that receives a copy of `libdetainers.so`;
//! - `DETAINERS_KERNEL_SESSION`: a value new for every kernel, so this script
//!   runs once per kernel, at its first `:dep` cell, and never again while the
//!   kernel lives. A running kernel therefore never sees its library change
//!   underneath it; an edit to `src/` is picked up at the next kernel start.
//!
//! The library is built by `cargo rustc --crate-type dylib` in the
//! repository's own `target/` folder, with the repository's own dev profile,
//! so it shares every compiled dependency with `cargo build` and `cargo test`.
//! The copy in `DETAINERS_KERNEL_LIB` is what this kernel loads: another
//! kernel rebuilding the shared file cannot change a library already loaded.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const LIBRARY: &str = "libdetainers.so";

fn main() {
    println!("cargo:rerun-if-env-changed=DETAINERS_KERNEL_SESSION");
    println!("cargo:rerun-if-env-changed=DETAINERS_KERNEL_LIB");
    let Some(lib_dir) = env::var_os("DETAINERS_KERNEL_LIB").map(PathBuf::from) else {
        fail(
            "this kernel does not load the detainers library. Open the notebook with the \
             kernel \"Rust (detainers)\", which `bash scripts/setup` installs (JupyterLab: \
             Kernel > Change Kernel).",
        );
    };
    println!("cargo:rerun-if-env-changed=DETAINERS_KERNEL_CRATE");
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let repo = manifest
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|e| fail(&format!("repository root: {e}")));
    let target = repo.join("target");
    // Another copy of the crate to build, sharing this repository's compiled
    // dependencies: the kernel tests edit a copy instead of src/.
    let krate = env::var_os("DETAINERS_KERNEL_CRATE").map_or_else(|| repo.clone(), PathBuf::from);
    build_library(&krate, &target);
    let built = target.join("debug").join(LIBRARY);
    copy_if_changed(&built, &lib_dir.join(LIBRARY));
    // The library itself, as a direct dependency of this crate ...
    println!("cargo:rustc-link-search=all={}", lib_dir.display());
    // ... and the metadata of everything it was built from (polars and the
    // rest), which rustc reads when a cell uses their types.
    println!(
        "cargo:rustc-link-search=dependency={}",
        target.join("debug").join("deps").display()
    );
}

fn fail(message: &str) -> ! {
    eprintln!("detainers-kernel: {message}");
    std::process::exit(1);
}

fn build_library(krate: &Path, target: &Path) {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut command = Command::new(cargo);
    command
        .current_dir(krate)
        .args([
            "rustc",
            "--lib",
            "--crate-type",
            "dylib",
            "--no-default-features",
        ])
        .arg("--manifest-path")
        .arg(krate.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target)
        // std is linked dynamically, as in every evcxr cell, so that the
        // kernel process holds one copy of it.
        .args(["--", "-C", "prefer-dynamic"]);
    // What cargo sets for this build script describes the kernel's own small
    // build (evcxr's target folder, flags and wrappers) and this script
    // (CARGO_MANIFEST_DIR, OUT_DIR, TARGET, ...), not the library's build;
    // dependencies' build scripts are rebuilt when such variables differ, so
    // the build sees the environment of a plain `cargo build` in a shell and
    // shares its compiled dependencies. RUSTC stays: the library must come
    // from the compiler that compiles the cells.
    for (name, _) in env::vars_os() {
        let name = name.to_string_lossy();
        let keep = matches!(
            name.as_ref(),
            "CARGO_HOME" | "CARGO_MAKEFLAGS" | "CARGO_INCREMENTAL" | "CARGO_NET_OFFLINE"
        ) || name.starts_with("CARGO_REGISTRIES_")
            || name.starts_with("CARGO_HTTP_");
        let set_by_cargo = name.starts_with("CARGO_")
            || name.starts_with("DEP_")
            || matches!(
                name.as_ref(),
                "OUT_DIR"
                    | "TARGET"
                    | "HOST"
                    | "NUM_JOBS"
                    | "OPT_LEVEL"
                    | "DEBUG"
                    | "PROFILE"
                    | "RUSTC_LINKER"
                    | "RUSTDOC"
                    | "RUSTFLAGS"
                    | "RUSTC_WRAPPER"
                    | "RUSTC_WORKSPACE_WRAPPER"
            );
        if set_by_cargo && !keep {
            command.env_remove(name.as_ref());
        }
    }
    match command.status() {
        Ok(status) if status.success() => {}
        Ok(status) => fail(&format!(
            "building the detainers library failed ({status}); the compiler's messages are above"
        )),
        Err(e) => fail(&format!("could not run cargo: {e}")),
    }
}

/// Copy `from` to `to` unless `to` already has the same size and modification
/// time. The copy is written beside `to` and renamed over it, so a library
/// already loaded from `to` by an earlier kernel of this slot is never
/// changed in place.
fn copy_if_changed(from: &Path, to: &Path) {
    let stamp = |p: &Path| fs::metadata(p).ok().map(|m| (m.len(), m.modified().ok()));
    if stamp(from).is_some() && stamp(from) == stamp(to) {
        return;
    }
    let dir = to.parent().expect("a file in a folder");
    fs::create_dir_all(dir).unwrap_or_else(|e| fail(&format!("{}: {e}", dir.display())));
    let partial = dir.join(format!(".{LIBRARY}.{}", std::process::id()));
    fs::copy(from, &partial).unwrap_or_else(|e| fail(&format!("{}: {e}", from.display())));
    let modified = fs::metadata(from).and_then(|m| m.modified());
    if let (Ok(modified), Ok(file)) = (modified, fs::File::options().write(true).open(&partial)) {
        let _ = file.set_modified(modified);
    }
    fs::rename(&partial, to).unwrap_or_else(|e| fail(&format!("{}: {e}", to.display())));
}
