//! A progress bar on stderr for long reads, drawn only when stderr is a
//! terminal (never in logs, pipes, CI or notebooks).
//!
//! The scan reports rows as each block (or, with the polars engine, each
//! batch) is counted; the total is
//! estimated from the files' sizes and the bytes per row of the first
//! megabyte, so the bar holds at 99% if the estimate was short.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Estimated data rows in `files`: total bytes over the mean row length in the
/// first megabyte of the first file. `None` when a file cannot be read.
pub fn estimate_rows(files: &[PathBuf]) -> Option<u64> {
    let total: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()))
        .sum::<std::io::Result<u64>>()
        .ok()?;
    let mut head = Vec::new();
    std::fs::File::open(files.first()?)
        .ok()?
        .take(1 << 20)
        .read_to_end(&mut head)
        .ok()?;
    let lines = head.iter().filter(|&&b| b == b'\n').count() as u64;
    if lines < 2 {
        return Some(lines);
    }
    Some(total * lines / head.len() as u64)
}

/// A running progress display; stops and clears its line when dropped.
pub struct Progress {
    done: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Progress {
    /// Start drawing `rows_seen` against `estimated_rows`, if stderr is a
    /// terminal; otherwise do nothing.
    pub fn start(label: String, rows_seen: Arc<AtomicU64>, estimated_rows: u64) -> Self {
        let done = Arc::new(AtomicBool::new(false));
        if !std::io::stderr().is_terminal() {
            return Progress { done, handle: None };
        }
        let stop = Arc::clone(&done);
        let handle = std::thread::spawn(move || {
            let started = Instant::now();
            while !stop.load(Ordering::Relaxed) {
                let seen = rows_seen.load(Ordering::Relaxed);
                eprint!(
                    "\r{}",
                    bar_line(&label, seen, estimated_rows, started.elapsed())
                );
                let _ = std::io::stderr().flush();
                std::thread::sleep(Duration::from_millis(200));
            }
            eprint!("\r{:width$}\r", "", width = 78);
            let _ = std::io::stderr().flush();
        });
        Progress {
            done,
            handle: Some(handle),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// One line of the bar: `label [#####.....]  48%  1,234,567 rows  12 s`.
pub fn bar_line(label: &str, seen: u64, estimated: u64, elapsed: Duration) -> String {
    let fraction = if estimated == 0 {
        0.0
    } else {
        (seen as f64 / estimated as f64).min(0.99)
    };
    let width = 24;
    let filled = (fraction * width as f64).round() as usize;
    format!(
        "{label} [{}{}] {:>3}%  {} rows  {} s",
        "#".repeat(filled),
        ".".repeat(width - filled),
        (fraction * 100.0).floor() as u64,
        crate::display::fmt_count(seen),
        elapsed.as_secs()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_caps_at_99_and_formats_counts() {
        let line = bar_line("reading", 1_500, 1_000, Duration::from_secs(3));
        assert_eq!(
            line,
            "reading [########################]  99%  1,500 rows  3 s"
        );
        let line = bar_line("reading", 250, 1_000, Duration::from_secs(0));
        assert!(line.contains("[######..................]  25%"), "{line}");
        assert!(bar_line("x", 5, 0, Duration::ZERO).contains("  0%"));
    }
}
