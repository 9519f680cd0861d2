//! Areas of responsibility as the records name them
//! (`data/crosswalk/aor.csv`): a code, a field-office city and the label in
//! `facility_aor`, and the one way labels are compared (spacing collapsed).

use crate::csv_table::parse_csv_text;
use crate::error::{Error, Result};
use std::path::Path;

const BUNDLED_AOR: &str = include_str!("../../../data/crosswalk/aor.csv");

/// Collapse runs of whitespace (ICE labels carry doubled spaces, as in
/// `"Not  Applicable"`) and trim, without changing anything else.
pub fn normalise_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// An ICE area of responsibility.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aor {
    /// Three-letter code, e.g. `BOS`.
    pub code: String,
    /// Field office city.
    pub city: String,
    /// The `facility_aor` label in detainer records.
    pub label: String,
    /// Whether the label was seen verbatim in real records.
    pub label_checked: bool,
}

/// The bundled table of areas of responsibility (`data/crosswalk/aor.csv`).
pub fn aor_table() -> Vec<Aor> {
    let path = Path::new("data/crosswalk/aor.csv");
    let table = parse_csv_text(
        path,
        BUNDLED_AOR,
        &["code", "city", "label", "label_checked"],
        &[],
    )
    .expect("the bundled AOR table is checked by the test suite");
    table
        .rows
        .iter()
        .map(|r| Aor {
            code: table.text(r, "code").to_string(),
            city: table.text(r, "city").to_string(),
            label: table.text(r, "label").to_string(),
            label_checked: table.text(r, "label_checked") == "yes",
        })
        .collect()
}

/// Find an area of responsibility by code (`BOS`), city (`Boston`) or label
/// (`Boston Area of Responsibility`), ignoring case and spacing.
///
/// # Errors
/// [`Error::Argument`] listing the known codes when nothing matches.
pub fn resolve_aor(text: &str) -> Result<Aor> {
    let wanted = normalise_label(text).to_lowercase();
    let table = aor_table();
    table
        .iter()
        .find(|a| {
            a.code.to_lowercase() == wanted
                || a.city.to_lowercase() == wanted
                || a.label.to_lowercase() == wanted
        })
        .cloned()
        .ok_or_else(|| {
            let codes: Vec<&str> = table.iter().map(|a| a.code.as_str()).collect();
            Error::Argument(format!(
                "unknown area of responsibility '{text}'; known codes: {}",
                codes.join(", ")
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_lose_doubled_spaces_and_nothing_else() {
        assert_eq!(normalise_label("Not  Applicable"), "Not Applicable");
        assert_eq!(
            normalise_label("  [2A] Deportable -\tX "),
            "[2A] Deportable - X"
        );
        assert_eq!(normalise_label("Case"), "Case");
    }

    #[test]
    fn aor_resolves_by_code_city_or_label() {
        assert_eq!(
            resolve_aor("bos").unwrap().label,
            "Boston Area of Responsibility"
        );
        assert_eq!(resolve_aor("St.  Paul").unwrap().code, "SPM");
        assert_eq!(
            resolve_aor("st. paul area of responsibility").unwrap().code,
            "SPM"
        );
        let e = resolve_aor("XYZ").unwrap_err().to_string();
        assert!(e.contains("unknown area of responsibility 'XYZ'"), "{e}");
        assert!(e.contains("BOS"), "{e}");
    }
}
