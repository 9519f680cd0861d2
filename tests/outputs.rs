//! Outputs are written as a whole: a run that fails leaves the previous
//! output as it was, and no temporary file survives a run.

use detainers::{analyse, check_claims, load_dataset, write_report};
use std::path::{Path, PathBuf};

fn partial_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(partial_files(&path));
        } else if path.to_string_lossy().ends_with(".partial")
            || path.to_string_lossy().ends_with(".previous")
        {
            found.push(path);
        }
    }
    found
}

fn report(out: &Path, honored_share: f64) -> detainers::Result<detainers::Written> {
    let dataset = load_dataset(crate::util::boston()).unwrap();
    let analysis = analyse(&dataset, honored_share).unwrap();
    let claims = check_claims(&dataset, &analysis).unwrap();
    write_report(&dataset, &analysis, &claims, out)
}

#[test]
fn a_run_that_fails_leaves_the_previous_output_as_it_was() {
    let out = tempfile::tempdir().unwrap();
    report(out.path(), 0.5).unwrap();
    let results = crate::util::read(&out.path().join("results.json"));
    let page = crate::util::read(&out.path().join("report.html"));
    // The figures folder becomes a file: the next run cannot write its charts.
    std::fs::remove_dir_all(out.path().join("figures")).unwrap();
    std::fs::write(out.path().join("figures"), "in the way").unwrap();
    let err = report(out.path(), 0.7).unwrap_err().to_string();
    assert!(err.contains("figures"), "{err}");
    assert_eq!(crate::util::read(&out.path().join("results.json")), results);
    assert_eq!(crate::util::read(&out.path().join("report.html")), page);
    assert!(
        !crate::util::read(&out.path().join("tables/custody_sensitivity.csv")).is_empty(),
        "the previous tables stay"
    );
    assert_eq!(partial_files(out.path()), Vec::<PathBuf>::new());
}

/// Every file under `dir` with its bytes, by path in the folder.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.push((path.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn a_failure_while_moving_files_into_place_puts_the_previous_run_back() {
    let out = tempfile::tempdir().unwrap();
    report(out.path(), 0.5).unwrap();
    // A figure's name taken by a folder that is not empty: every file is
    // written, and moving that one into place fails, after results.json and
    // other files have been moved aside.
    let figure = out.path().join("figures/custody_sensitivity.svg");
    std::fs::remove_file(&figure).unwrap();
    std::fs::create_dir_all(figure.join("inside")).unwrap();
    std::fs::write(figure.join("inside/note.txt"), "in the way").unwrap();
    let before = snapshot(out.path());
    assert!(before.iter().any(|(p, _)| p == Path::new("results.json")));
    let err = report(out.path(), 0.7).unwrap_err().to_string();
    assert!(err.contains("custody_sensitivity.svg"), "{err}");
    assert!(!err.contains('\n'), "one line: {err}");
    assert_eq!(
        snapshot(out.path()),
        before,
        "every file of the previous run is back, byte for byte, and nothing else"
    );
}

#[test]
fn a_run_leaves_no_temporary_file_and_removes_those_of_a_killed_run() {
    let out = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(out.path().join("tables")).unwrap();
    // Left by a run that was killed: a process id that does not exist.
    let leftover = out.path().join("tables/.status.csv.4194301.partial");
    std::fs::write(&leftover, "half").unwrap();
    let written = report(out.path(), 0.5).unwrap();
    assert!(written.files.iter().any(|f| f == Path::new("results.json")));
    assert_eq!(partial_files(out.path()), Vec::<PathBuf>::new());
    let results: serde_json::Value =
        serde_json::from_str(&crate::util::read(&out.path().join("results.json"))).unwrap();
    assert_eq!(results["custody"]["in_custody"], 218.0);
}

/// The files under `dir`, by path in the folder, without their bytes.
fn names(dir: &Path) -> Vec<PathBuf> {
    snapshot(dir).into_iter().map(|(p, _)| p).collect()
}

/// The name of the first chart a run wrote into `out`.
fn taken_name(out: &Path) -> PathBuf {
    names(out)
        .into_iter()
        .find(|p| p.starts_with("figures") && p.extension().is_some_and(|e| e == "svg"))
        .and_then(|p| p.file_name().map(PathBuf::from))
        .unwrap()
}

/// `detainers records --quiet --out OUT [EXTRA] mini.csv`.
fn records_into(out: &Path, extra: &[&str]) -> std::process::Output {
    let mini = crate::util::fixture("records/mini.csv");
    let mut args = extra.to_vec();
    args.push(mini.to_str().unwrap());
    crate::util::records(out, &args)
}

/// [`records_into`], which must succeed.
fn records_ok(out: &Path, extra: &[&str]) {
    let o = records_into(out, extra);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_run_removes_what_the_previous_run_wrote_and_it_does_not_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    // The same run into a folder of its own: the files it writes.
    let fresh = dir.path().join("fresh");
    records_ok(&fresh, &[]);
    let out = dir.path().join("out");
    records_ok(&out, &["--by", "aor"]);
    let by_area = Path::new("figures/by_area.svg");
    assert!(names(&out).iter().any(|p| p == by_area));
    // A reader's own files in the folder are not the run's.
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::fs::write(out.join("figures/mine.svg"), "<svg/>").unwrap();
    records_ok(&out, &[]);
    let mut expected = names(&fresh);
    expected.extend([
        PathBuf::from("figures/mine.svg"),
        PathBuf::from("notes.txt"),
    ]);
    expected.sort();
    assert_eq!(names(&out), expected);
    assert!(!names(&out).iter().any(|p| p == by_area));
    // The same through a figures folder that is a link elsewhere: the run
    // writes there, so it removes there what it wrote before.
    let linked = dir.path().join("linked");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&linked).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, linked.join("figures")).unwrap();
    records_ok(&linked, &["--by", "aor"]);
    assert!(elsewhere.join("by_area.svg").is_file());
    records_ok(&linked, &[]);
    assert!(!elsewhere.join("by_area.svg").exists());
    assert!(elsewhere.join(taken_name(&fresh)).is_file());
    // A run that fails while moving files into place puts back what it
    // had moved aside, the previous run's own files included.
    records_ok(&out, &["--by", "aor"]);
    let taken = Path::new("figures").join(taken_name(&fresh));
    std::fs::remove_file(out.join(&taken)).unwrap();
    std::fs::create_dir_all(out.join(&taken).join("inside")).unwrap();
    std::fs::write(out.join(&taken).join("inside/note.txt"), "in the way").unwrap();
    let before = snapshot(&out);
    assert_eq!(records_into(&out, &[]).status.code(), Some(1));
    assert_eq!(snapshot(&out), before);
}

/// The list of a run's files is a file in the folder, and a folder can come
/// from anywhere: names in it that a run does not write, or that lead out
/// of the folder, are never moved or removed.
#[test]
fn a_crafted_list_of_files_removes_nothing_a_run_does_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let victim = outside.join("victim.csv");
    std::fs::write(&victim, "keep").unwrap();
    records_ok(&out, &[]);
    std::os::unix::fs::symlink(&outside, out.join("h")).unwrap();
    std::fs::write(out.join("notes.md"), "mine").unwrap();
    std::fs::write(out.join("figures/.hidden.svg"), "<svg/>").unwrap();
    let crafted = [
        "h/victim.csv".to_string(),
        "../outside/victim.csv".to_string(),
        "tables/../../outside/victim.csv".to_string(),
        victim.display().to_string(),
        "notes.md".to_string(),
        "figures/.hidden.svg".to_string(),
    ];
    std::fs::write(out.join(".detainers-files"), crafted.join("\n")).unwrap();
    records_ok(&out, &[]);
    assert_eq!(crate::util::read(&victim), "keep");
    assert_eq!(crate::util::read(&out.join("notes.md")), "mine");
    assert!(out.join("figures/.hidden.svg").is_file());
    // The list now names the run's own files and nothing else.
    let list = crate::util::read(&out.join(".detainers-files"));
    assert!(list.lines().any(|l| l == "results.json"), "{list}");
    assert!(
        !list.contains("victim") && !list.contains("notes"),
        "{list}"
    );
}
