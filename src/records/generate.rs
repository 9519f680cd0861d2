//! A seeded generator of synthetic detainer files in the Deportation Data
//! Project's 64-column schema, for tests and benchmarks at any size. The same
//! seed and size always give the same bytes. The values are invented: the file
//! has the real schema's shape (R index column, `NA`, doubled spaces, quoted
//! labels, a few likely duplicates and unparseable dates), not real records.

use super::crosswalk::aor_table;
use crate::error::{Error, Result};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The release's columns, in order; the first (the R row index) is unnamed.
pub const COLUMNS: [&str; 65] = [
    "",
    "detainer_prepare_date",
    "facility_state",
    "facility_aor",
    "port_of_departure",
    "departure_country",
    "departed_date",
    "case_status",
    "detainer_prepared_criminality",
    "detention_facility",
    "detention_facility_code",
    "facility_city",
    "detainer_prep_threat_level",
    "gender",
    "citizenship_country",
    "birth_country",
    "birth_year",
    "entry_status",
    "most_serious_conviction_charge",
    "msc_sentence_days",
    "msc_sentence_months",
    "msc_sentence_years",
    "msc_charge_code",
    "msc_charge_date",
    "msc_conviction_date",
    "felon",
    "processing_disposition",
    "case_category",
    "arrest_time_case_category",
    "arrest_time_current_program",
    "apprehension_method",
    "final_order_yes_no",
    "final_order_date",
    "apprehension_date",
    "entry_date",
    "prior_felony_yes_no",
    "multiple_prior_misd_yes_no",
    "violent_misdemeanor_yes_no",
    "illegal_entry_yes_no",
    "illegal_reentry_yes_no",
    "immigration_fraud_yes_no",
    "significant_risk_yes_no",
    "other_removal_reason_yes_no",
    "criminal_street_gang_yes_no",
    "aggravated_felony_yes_no",
    "deportation_ordered_yes_no",
    "order_show_cause_served_yes_no",
    "biometric_match_yes_no",
    "statements_made_yes_no",
    "unlawful_attempt_yes_no",
    "unlawful_entry_yes_no",
    "visa_yes_no",
    "federal_interest_yes_no",
    "resume_custody_yes_no",
    "detainer_lift_reason",
    "detainer_lift_reason_code",
    "active_investigation_yes_no",
    "detainer_type",
    "notify_release_request_yes_no",
    "tod_current_duty_site",
    "unique_identifier",
    "duplicate_likely",
    "file_original",
    "sheet_original",
    "row_original",
];

/// How big a file to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// Exactly this many data rows.
    Rows(u64),
    /// Data rows until the file reaches at least this many bytes.
    Bytes(u64),
}

/// SplitMix64: small, fast and fully determined by its seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        (((self.next_u64() >> 11) as u128 * n as u128) >> 53) as u64
    }

    /// `true` with probability `per_mille / 1000`.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// A value from `(value, weight)` pairs.
    pub fn weighted<'a>(&mut self, items: &[(&'a str, u64)]) -> &'a str {
        let total: u64 = items.iter().map(|i| i.1).sum();
        let mut x = self.below(total);
        for (value, weight) in items {
            if x < *weight {
                return value;
            }
            x -= weight;
        }
        items[items.len() - 1].0
    }
}

const CASE_CATEGORIES: [(&str, u64); 12] = [
    ("[2A] Deportable - Under Adjudication by IJ", 260),
    ("[11] Administrative Deportation / Removal", 120),
    ("[3] Deportable - Administratively Final Order", 110),
    ("[8A] Excludable / Inadmissible - Hearing Not Commenced", 90),
    ("[16] Reinstated Final Order", 120),
    (
        "[8B] Excludable / Inadmissible - Under Adjudication by IJ",
        40,
    ),
    (
        "[8C] Excludable / Inadmissible - Administrative Final Order Issued",
        40,
    ),
    ("[5D] Final Order of Deportation - Order of Supervision", 30),
    ("[18] Expedited Removal", 40),
    ("[10] Visa Waiver Deportation / Removal", 20),
    (
        "[1A] Voluntary Departure - Un-Expired and Un-Extended Departure Period",
        10,
    ),
    ("NA", 120),
];

const ENTRY_STATUSES: [(&str, u64); 6] = [
    ("Not  Applicable", 420),
    ("NA", 300),
    ("Entered Without Inspection", 140),
    ("Present Without  Admission", 40),
    ("Non-Immigrant Visitor", 70),
    ("Lawful Permanent Resident", 30),
];

const LIFT_REASONS: [(&str, &str, u64); 6] = [
    ("NA", "NA", 400),
    ("Booked into Detention", "B", 250),
    ("Detainer Declined by LEA", "A", 150),
    ("No longer in State, Local, or Federal Custody", "N", 120),
    ("Detainer Lifted by ICE", "L", 50),
    ("Other", "O", 30),
];

const COUNTRIES: [(&str, u64); 8] = [
    ("MEXICO", 400),
    ("GUATEMALA", 120),
    ("HONDURAS", 110),
    ("EL SALVADOR", 90),
    ("DOMINICAN REPUBLIC", 60),
    ("BRAZIL", 40),
    ("CHINA, PEOPLES REPUBLIC OF", 30),
    ("INDIA", 30),
];

/// States of the facilities in each area (two or three per area is enough for
/// the shape of the data; the lists are illustrative, not a crosswalk).
fn states_for(code: &str) -> &'static [&'static str] {
    match code {
        "BOS" => &["MASSACHUSETTS", "CONNECTICUT", "NEW HAMPSHIRE"],
        "SPM" => &["MINNESOTA", "IOWA", "NEBRASKA"],
        "NYC" => &["NEW YORK"],
        "BUF" => &["NEW YORK"],
        "NEW" => &["NEW JERSEY"],
        "PHI" => &["PENNSYLVANIA", "DELAWARE"],
        "BAL" => &["MARYLAND"],
        "WAS" => &["VIRGINIA", "DISTRICT OF COLUMBIA"],
        "ATL" => &["GEORGIA", "NORTH CAROLINA", "SOUTH CAROLINA"],
        "MIA" => &["FLORIDA"],
        "NOL" => &["LOUISIANA", "ALABAMA", "TENNESSEE"],
        "HOU" | "DAL" | "SNA" | "ELP" | "HAL" => &["TEXAS"],
        "CHI" => &["ILLINOIS", "WISCONSIN", "INDIANA"],
        "DET" => &["MICHIGAN", "OHIO"],
        "DEN" => &["COLORADO", "WYOMING"],
        "SLC" => &["UTAH", "IDAHO", "NEVADA"],
        "PHO" => &["ARIZONA"],
        "SEA" => &["WASHINGTON", "OREGON"],
        "SFR" | "LOS" | "SND" => &["CALIFORNIA"],
        _ => &["UNKNOWN"],
    }
}

fn yes_no(rng: &mut Rng, yes: u64, na: u64) -> &'static str {
    let x = rng.below(1000);
    if x < yes {
        "\"YES\""
    } else if x < yes + na {
        "NA"
    } else {
        "\"NO\""
    }
}

/// Days from 2012-10-01 (the start of fiscal year 2013) to 2026-03-31.
const DAY_SPAN: u64 = 4929;

fn write_row<W: Write>(
    w: &mut W,
    rng: &mut Rng,
    index: u64,
    aors: &[(String, String)],
) -> std::io::Result<()> {
    let start = chrono::NaiveDate::from_ymd_opt(2012, 10, 1).unwrap_or_default();
    let date = start + chrono::Days::new(rng.below(DAY_SPAN));
    let date_text = if rng.chance(2) {
        "NA".to_string()
    } else if rng.chance(1) {
        // Unparseable dates occur in real exports (spreadsheet serials, US order).
        date.format("%m/%d/%Y").to_string()
    } else {
        date.format("%Y-%m-%d").to_string()
    };
    let (code, label) = &aors[rng.below(aors.len() as u64) as usize];
    let states = states_for(code);
    let state = states[rng.below(states.len() as u64) as usize];
    let country = rng.weighted(&COUNTRIES);
    let entry = rng.weighted(&ENTRY_STATUSES);
    let category = rng.weighted(&CASE_CATEGORIES);
    let (reason, reason_code, _) = LIFT_REASONS[{
        let total: u64 = LIFT_REASONS.iter().map(|r| r.2).sum();
        let mut x = rng.below(total);
        let mut pick = 0;
        for (i, r) in LIFT_REASONS.iter().enumerate() {
            if x < r.2 {
                pick = i;
                break;
            }
            x -= r.2;
        }
        pick
    }];
    let q = |s: &str| {
        if s == "NA" {
            "NA".to_string()
        } else {
            format!("\"{s}\"")
        }
    };
    let birth_year = 1950 + rng.below(58);
    let months = rng.below(200);
    let id_a = rng.next_u64();
    let id_b = rng.next_u64();
    let id_c = rng.next_u32_like();
    writeln!(
        w,
        "\"{index}\",{date_text},\"{state}\",\"{label}\",NA,NA,NA,\"ACTIVE\",\"{crim}\",\"COUNTY JAIL {fac}\",\"CJ{fac:04}\",\"CITY {fac}\",\"{threat}\",\"{gender}\",\"{country}\",\"{country}\",{birth_year},{entry},\"Dangerous Drugs\",NA,{months},NA,\"3599\",{date},{date},\"Not an Aggravated Felon\",\"Warrant of Arrest/Notice to Appear\",{category},NA,NA,NA,{fo},NA,NA,NA,\"NO\",\"NO\",\"NO\",NA,{reentry},NA,NA,NA,\"NO\",\"NO\",\"NO\",\"NO\",\"YES\",\"YES\",NA,NA,NA,NA,\"NO\",{reason},{reason_code},NA,\"I247A - Immigration Detainer - Notice of Action\",NA,\"DOCKET CONTROL OFFICE {code}\",\"{id_a:016x}{id_b:016x}{id_c:08x}\",{dup},\"SYNTHETIC_Detainers.xlsx\",\"FY{fy}\",{row}",
        crim = if rng.chance(700) { "1 Convicted Criminal" } else { "3 Other Immigration Violator" },
        fac = rng.below(400),
        threat = 1 + rng.below(3),
        gender = if rng.chance(880) { "Male" } else { "Female" },
        entry = q(entry),
        category = q(category),
        fo = yes_no(rng, 200, 100),
        reentry = yes_no(rng, 100, 600),
        reason = q(reason),
        reason_code = q(reason_code),
        dup = if rng.chance(30) { "TRUE" } else { "FALSE" },
        fy = 2013 + rng.below(14),
        row = index,
    )
}

impl Rng {
    fn next_u32_like(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }
}

/// Write a synthetic detainer file to `w`. Returns (rows, bytes) written.
pub fn generate_records<W: Write>(w: W, size: Size, seed: u64) -> std::io::Result<(u64, u64)> {
    let mut w = CountingWriter {
        inner: BufWriter::with_capacity(1 << 20, w),
        bytes: 0,
    };
    let header: Vec<String> = COLUMNS.iter().map(|c| format!("\"{c}\"")).collect();
    writeln!(w, "{}", header.join(","))?;
    let aors: Vec<(String, String)> = aor_table().into_iter().map(|a| (a.code, a.label)).collect();
    let mut rng = Rng::new(seed);
    let mut rows = 0;
    loop {
        let done = match size {
            Size::Rows(n) => rows >= n,
            Size::Bytes(b) => w.bytes >= b,
        };
        if done {
            break;
        }
        rows += 1;
        write_row(&mut w, &mut rng, rows, &aors)?;
    }
    w.flush()?;
    Ok((rows, w.bytes))
}

/// A synthetic record file as written by [`generate_file`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Where it was written.
    pub path: PathBuf,
    /// Data rows.
    pub rows: u64,
    /// Bytes.
    pub bytes: u64,
}

impl GeneratedFile {
    /// Show in a notebook as one line: rows, size and where.
    pub fn evcxr_display(&self) {
        crate::render::notebook::show(
            "text/plain",
            &format!(
                "{} rows ({} bytes) written to {}",
                crate::render::format::fmt_count(self.rows),
                crate::render::format::fmt_count(self.bytes),
                crate::paths::shown(&self.path)
            ),
        );
    }
}

/// [`generate_records`] into a new file.
pub fn generate_file(path: &Path, size: Size, seed: u64) -> Result<GeneratedFile> {
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let (rows, bytes) = generate_records(file, size, seed).map_err(|e| Error::io(path, e))?;
    Ok(GeneratedFile {
        path: path.to_path_buf(),
        rows,
        bytes,
    })
}

/// Parse a size such as `1G`, `250M`, `64k` or a plain number of bytes.
pub fn parse_bytes(text: &str) -> Result<u64> {
    let t = text.trim();
    let (digits, unit) = t.split_at(
        t.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(t.len()),
    );
    let value: f64 = digits
        .parse()
        .map_err(|_| Error::Argument(format!("'{text}' is not a size like 1G, 250M or 4096")))?;
    let scale = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1.0,
        "K" | "KB" | "KIB" => 1024.0,
        "M" | "MB" | "MIB" => 1024.0 * 1024.0,
        "G" | "GB" | "GIB" => 1024.0 * 1024.0 * 1024.0,
        _ => {
            return Err(Error::Argument(format!(
                "'{text}': unknown unit (use K, M or G)"
            )))
        }
    };
    Ok((value * scale).round() as u64)
}

struct CountingWriter<W: Write> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_bytes_and_schema_width() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        assert_eq!(generate_records(&mut a, Size::Rows(50), 7).unwrap().0, 50);
        generate_records(&mut b, Size::Rows(50), 7).unwrap();
        assert_eq!(a, b);
        let mut c = Vec::new();
        generate_records(&mut c, Size::Rows(50), 8).unwrap();
        assert_ne!(a, c);
        let mut reader = csv::Reader::from_reader(a.as_slice());
        assert_eq!(reader.headers().unwrap().len(), 65);
        for r in reader.records() {
            assert_eq!(r.unwrap().len(), 65);
        }
    }

    #[test]
    fn byte_target_is_reached() {
        let mut a = Vec::new();
        let (rows, bytes) = generate_records(&mut a, Size::Bytes(100_000), 1).unwrap();
        assert!((100_000..101_500).contains(&bytes), "{bytes}");
        assert_eq!(bytes as usize, a.len());
        assert!(rows > 100);
        assert_eq!(parse_bytes("1G").unwrap(), 1 << 30);
        assert_eq!(parse_bytes("250M").unwrap(), 250 << 20);
        assert_eq!(parse_bytes("4096").unwrap(), 4096);
        assert!(parse_bytes("1T").is_err());
    }
}
