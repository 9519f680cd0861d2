//! Numbers for people: counts with separators, percentages, p-values.

/// A whole number with thousands separators: `1,234`.
pub fn fmt_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number for prose: whole numbers with separators, others with 2 decimals
/// (3 below 1), trailing zeros dropped. `NaN` shows as `n/a`.
pub fn fmt_number(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    if (x - x.round()).abs() < 1e-9 && x.abs() < 1e15 {
        let sign = if x < -0.5 { "-" } else { "" };
        return format!("{sign}{}", fmt_count(x.round().abs() as u64));
    }
    let places = if x.abs() < 1.0 { 3 } else { 2 };
    let s = format!("{x:.places$}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if x.abs() >= 1000.0 {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let sign = if x < 0.0 { "-" } else { "" };
        let int = fmt_count(int.trim_start_matches('-').parse().unwrap_or(0));
        return if frac.is_empty() {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac}")
        };
    }
    s.to_owned()
}

/// A fraction as a percentage: `fmt_percent(0.47807, 1)` is `47.8%`.
pub fn fmt_percent(fraction: f64, decimals: usize) -> String {
    if !fraction.is_finite() {
        return "n/a".into();
    }
    format!("{:.decimals$}%", fraction * 100.0)
}

/// An interval of shares as `a to b` in percent with one decimal
/// (`42.8% to 52.0%`), or nothing when there is none: the one way every
/// page and sentence writes an interval.
pub fn fmt_interval(interval: Option<crate::stats::Interval>) -> String {
    interval
        .map(|i| format!("{} to {}", fmt_percent(i.low, 1), fmt_percent(i.high, 1)))
        .unwrap_or_default()
}

/// A p-value: `< 0.0001` when tiny, else four decimals.
pub fn fmt_p_value(p: f64) -> String {
    if p < 1e-4 {
        "< 0.0001".into()
    } else {
        format!("{p:.4}")
    }
}

/// A p-value as a clause: `p < 0.0001` or `p = 0.0123`.
pub fn fmt_p_clause(p: f64) -> String {
    if p < 1e-4 {
        "p < 0.0001".into()
    } else {
        format!("p = {p:.4}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_people() {
        assert_eq!(fmt_count(1_234_567), "1,234,567");
        assert_eq!(fmt_count(456), "456");
        assert_eq!(fmt_number(218.0), "218");
        assert_eq!(fmt_number(10.428_571), "10.43");
        assert_eq!(fmt_number(0.546_296), "0.546");
        assert_eq!(fmt_number(-238.0), "-238");
        assert_eq!(fmt_number(12_345.5), "12,345.5");
        assert_eq!(fmt_percent(0.478_07, 1), "47.8%");
        assert_eq!(fmt_p_value(3.4e-7), "< 0.0001");
    }
}
