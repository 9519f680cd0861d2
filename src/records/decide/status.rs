//! Crosswalks kept as data (`data/crosswalk/`): ICE record fields to the
//! article's immigration-status groups, and area-of-responsibility codes to the
//! labels used in detainer records. The bundled copies are compiled in, so the
//! binary works from any folder; [`StatusCrosswalk::from_file`] reads another.

use crate::csv_table::{decode_utf8, parse_csv_text};
use crate::error::{Error, Result};
use crate::records::select::aor::normalise_label;
use std::path::Path;

/// The group for a record that no crosswalk rule matches.
pub const NOT_MAPPED: &str = "Not mapped";

/// The group for a record with none of the four status columns filled (or
/// from a file that has none of them): its status is unknown, not unmapped.
pub const UNKNOWN_STATUS: &str = "Unknown status";

/// The article's six groups, in the order of its table.
pub const ARTICLE_GROUPS: [&str; 6] = [
    "Final Order of Removal",
    "Reentry after Deportation",
    "Present without Admission",
    "Non-Immigrant (Temporary Visa)",
    "In Removal Proceedings",
    "Order of Supervision/OREC",
];

const BUNDLED_STATUS: &str = include_str!("../../../data/crosswalk/status_groups.csv");

/// The record fields a rule can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `case_category`, e.g. `[2A] Deportable - Under Adjudication by IJ`.
    CaseCategory,
    /// `entry_status`.
    EntryStatus,
    /// `final_order_yes_no`.
    FinalOrder,
    /// `illegal_reentry_yes_no`.
    IllegalReentry,
}

impl Field {
    fn parse(text: &str) -> Option<Field> {
        match text {
            "case_category" => Some(Field::CaseCategory),
            "entry_status" => Some(Field::EntryStatus),
            "final_order_yes_no" => Some(Field::FinalOrder),
            "illegal_reentry_yes_no" => Some(Field::IllegalReentry),
            _ => None,
        }
    }
}

/// One crosswalk rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Evaluation order (lower first).
    pub rule: u32,
    /// The field tested.
    pub field: Field,
    /// `true` for `contains`, `false` for `equals`.
    pub contains: bool,
    /// The value compared, normalised and lower-cased.
    pub value: String,
    /// The group assigned.
    pub group: String,
    /// Why the rule exists.
    pub note: String,
}

/// The four fields of a record the status crosswalk reads (normalised labels).
#[derive(Debug, Clone, Copy, Default)]
pub struct StatusFields<'a> {
    /// `case_category`.
    pub case_category: Option<&'a str>,
    /// `entry_status`.
    pub entry_status: Option<&'a str>,
    /// `final_order_yes_no`.
    pub final_order: Option<&'a str>,
    /// `illegal_reentry_yes_no`.
    pub illegal_reentry: Option<&'a str>,
}

/// Ordered rules from record fields to the article's status groups.
#[derive(Debug, Clone)]
pub struct StatusCrosswalk {
    /// The rules, sorted by `rule`.
    pub rules: Vec<Rule>,
}

impl StatusCrosswalk {
    /// The bundled crosswalk (`data/crosswalk/status_groups.csv`).
    pub fn bundled() -> Self {
        Self::parse(
            Path::new("data/crosswalk/status_groups.csv"),
            BUNDLED_STATUS,
        )
        .expect("the bundled crosswalk is checked by the test suite")
    }

    /// Read a crosswalk file in the same format.
    pub fn from_file(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = decode_utf8(path, &bytes)?;
        Self::parse(path, &text)
    }

    fn parse(path: &Path, text: &str) -> Result<Self> {
        let table = parse_csv_text(
            path,
            text,
            &["rule", "field", "match", "value", "group"],
            &["note"],
        )?;
        let mut rules = Vec::with_capacity(table.rows.len());
        for row in &table.rows {
            let rule = table
                .text(row, "rule")
                .parse::<u32>()
                .map_err(|_| table.error(row, "rule", "expected a whole number"))?;
            let field = Field::parse(table.text(row, "field")).ok_or_else(|| {
                table.error(
                    row,
                    "field",
                    "expected case_category, entry_status, final_order_yes_no or illegal_reentry_yes_no",
                )
            })?;
            let contains = match table.text(row, "match") {
                "contains" => true,
                "equals" => false,
                _ => return Err(table.error(row, "match", "expected 'equals' or 'contains'")),
            };
            let value = normalise_label(table.text(row, "value")).to_lowercase();
            if value.is_empty() {
                return Err(table.error(row, "value", "is empty"));
            }
            let group = normalise_label(table.text(row, "group"));
            if !ARTICLE_GROUPS.contains(&group.as_str()) {
                return Err(table.error(
                    row,
                    "group",
                    format!("'{group}' is not one of the article's six groups"),
                ));
            }
            rules.push(Rule {
                rule,
                field,
                contains,
                value,
                group,
                note: table.text(row, "note").to_string(),
            });
        }
        if rules.is_empty() {
            return Err(Error::input(path, None, None, "the crosswalk has no rules"));
        }
        rules.sort_by_key(|r| r.rule);
        Ok(StatusCrosswalk { rules })
    }

    /// The group of a record: [`UNKNOWN_STATUS`] when none of its four
    /// status fields is filled, else the first rule that matches, else
    /// [`NOT_MAPPED`].
    pub fn group(&self, fields: StatusFields<'_>) -> &str {
        let StatusFields {
            case_category,
            entry_status,
            final_order,
            illegal_reentry,
        } = fields;
        if [case_category, entry_status, final_order, illegal_reentry]
            .iter()
            .all(Option::is_none)
        {
            return UNKNOWN_STATUS;
        }
        for r in &self.rules {
            let value = match r.field {
                Field::CaseCategory => fields.case_category,
                Field::EntryStatus => fields.entry_status,
                Field::FinalOrder => fields.final_order,
                Field::IllegalReentry => fields.illegal_reentry,
            };
            let Some(value) = value else { continue };
            let value = value.to_lowercase();
            let hit = if r.contains {
                value.contains(&r.value)
            } else {
                value == r.value
            };
            if hit {
                return &r.group;
            }
        }
        NOT_MAPPED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_crosswalk_maps_the_sample_categories() {
        let c = StatusCrosswalk::bundled();
        let cat = |s| StatusFields {
            case_category: Some(s),
            ..Default::default()
        };
        let entry = |s| StatusFields {
            entry_status: Some(s),
            ..Default::default()
        };
        assert_eq!(
            c.group(cat("[2A] Deportable - Under Adjudication by IJ")),
            "In Removal Proceedings"
        );
        assert_eq!(
            c.group(cat(
                "[8A] Excludable / Inadmissible - Hearing Not Commenced"
            )),
            "In Removal Proceedings"
        );
        assert_eq!(
            c.group(cat("[3] Deportable - Administratively Final Order")),
            "Final Order of Removal"
        );
        assert_eq!(
            c.group(cat("[16] Reinstated Final Order")),
            "Reentry after Deportation"
        );
        assert_eq!(
            c.group(cat("[11] Administrative Deportation / Removal")),
            NOT_MAPPED
        );
        // The final-order flag outranks a category still in proceedings.
        let flagged = StatusFields {
            case_category: Some("[2A] Deportable - Under Adjudication by IJ"),
            final_order: Some("YES"),
            ..Default::default()
        };
        assert_eq!(c.group(flagged), "Final Order of Removal");
        assert_eq!(c.group(StatusFields::default()), UNKNOWN_STATUS);
        assert_eq!(c.group(entry("Not Applicable")), NOT_MAPPED);
    }
}
