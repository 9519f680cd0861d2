//! Compute stage, statistics: Wilson score intervals and Pearson's chi-square
//! test of independence. Pure functions; distributions come from `statrs`.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

/// Confidence level of every interval in the workspace.
pub const CONFIDENCE: f64 = 0.95;

/// A proportion with its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Lower bound (fraction).
    pub low: f64,
    /// Upper bound (fraction).
    pub high: f64,
}

/// The two-sided normal quantile for a confidence level (1.959964 for 0.95).
pub fn z_for_confidence(confidence: f64) -> f64 {
    let normal = Normal::new(0.0, 1.0).expect("standard normal is valid");
    normal.inverse_cdf(1.0 - (1.0 - confidence) / 2.0)
}

/// Wilson score interval for `successes` out of `trials`. `None` when there
/// are no trials (a rate of nothing has no interval).
///
/// ```
/// let ci = detainers::stats::wilson_interval(216, 456, 0.95).unwrap();
/// assert!((ci.low - 0.4283).abs() < 1e-4 && (ci.high - 0.5195).abs() < 1e-4);
/// ```
pub fn wilson_interval(successes: u64, trials: u64, confidence: f64) -> Option<Interval> {
    if trials == 0 || successes > trials {
        return None;
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z = z_for_confidence(confidence);
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(Interval {
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    })
}

/// Result of Pearson's chi-square test of independence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChiSquareTest {
    /// The statistic.
    pub chi2: f64,
    /// Degrees of freedom: (rows - 1) x (columns - 1).
    pub df: u64,
    /// Probability of a statistic at least this large under independence.
    pub p_value: f64,
    /// Smallest expected cell count (the usual rule of thumb wants 5 or more).
    pub min_expected: f64,
    /// Cramér's V, an effect size between 0 and 1.
    pub cramers_v: f64,
    /// Number of observations.
    pub n: u64,
}

/// Pearson's chi-square test of independence on a table of counts
/// (rows x columns). Rows or columns that sum to zero are dropped, since they
/// carry no information. `None` when fewer than two rows or columns remain.
pub fn chi_square_independence(table: &[Vec<u64>]) -> Option<ChiSquareTest> {
    let ncols = table.first()?.len();
    if table.iter().any(|r| r.len() != ncols) {
        return None;
    }
    let col_totals: Vec<u64> = (0..ncols)
        .map(|j| table.iter().map(|r| r[j]).sum())
        .collect();
    let keep_cols: Vec<usize> = (0..ncols).filter(|&j| col_totals[j] > 0).collect();
    let rows: Vec<&Vec<u64>> = table.iter().filter(|r| r.iter().sum::<u64>() > 0).collect();
    if rows.len() < 2 || keep_cols.len() < 2 {
        return None;
    }
    let n: u64 = rows.iter().map(|r| r.iter().sum::<u64>()).sum();
    let nf = n as f64;
    let mut chi2 = 0.0;
    let mut min_expected = f64::INFINITY;
    for row in &rows {
        let row_total = row.iter().sum::<u64>() as f64;
        for &j in &keep_cols {
            let expected = row_total * col_totals[j] as f64 / nf;
            min_expected = min_expected.min(expected);
            let diff = row[j] as f64 - expected;
            chi2 += diff * diff / expected;
        }
    }
    let df = ((rows.len() - 1) * (keep_cols.len() - 1)) as u64;
    let dist = ChiSquared::new(df as f64).expect("df is at least 1");
    let p_value = dist.sf(chi2);
    let k = rows.len().min(keep_cols.len()) as f64;
    Some(ChiSquareTest {
        chi2,
        df,
        p_value,
        min_expected,
        cramers_v: (chi2 / (nf * (k - 1.0))).sqrt(),
        n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn z_for_95_percent() {
        assert!((z_for_confidence(0.95) - 1.959964).abs() < 1e-6);
    }

    #[test]
    fn wilson_matches_a_hand_computed_value() {
        // 9 of 13: Wilson bounds 0.4237 and 0.8732, computed independently.
        let ci = wilson_interval(9, 13, 0.95).unwrap();
        assert!((ci.low - 0.4237).abs() < 5e-4, "{ci:?}");
        assert!((ci.high - 0.8732).abs() < 5e-4, "{ci:?}");
    }

    #[test]
    fn wilson_edges() {
        assert_eq!(wilson_interval(0, 0, 0.95), None);
        let all = wilson_interval(5, 5, 0.95).unwrap();
        assert!((all.high - 1.0).abs() < 1e-12 && all.low > 0.5, "{all:?}");
        let none = wilson_interval(0, 5, 0.95).unwrap();
        assert!(none.low.abs() < 1e-12 && none.high < 0.5, "{none:?}");
    }

    #[test]
    fn chi_square_on_a_textbook_2x2() {
        // [[10, 20], [30, 40]]: chi2 = 0.7937, df 1, p = 0.373.
        let t = chi_square_independence(&[vec![10, 20], vec![30, 40]]).unwrap();
        assert!((t.chi2 - 0.793_65).abs() < 1e-4, "{t:?}");
        assert_eq!(t.df, 1);
        assert!((t.p_value - 0.373).abs() < 1e-3, "{t:?}");
        assert!((t.min_expected - 12.0).abs() < 1e-9);
    }

    #[test]
    fn chi_square_refuses_degenerate_tables() {
        assert!(chi_square_independence(&[vec![1, 2]]).is_none());
        assert!(chi_square_independence(&[vec![0, 3], vec![0, 4]]).is_none());
        assert!(chi_square_independence(&[]).is_none());
    }
}
