//! A seeded generator of synthetic detainer files in the Deportation Data
//! Project's 64-column schema, for tests and benchmarks at any size. The same
//! seed and size always give the same bytes. The values are invented: the file
//! has the real schema's shape (R index column, `NA`, doubled spaces, quoted
//! labels, a few likely duplicates and unparseable dates), not real records.

use crate::error::{Error, Result};
use crate::records::read::formats::FileFormat;
use crate::records::read::layouts::Layout;
use crate::records::select::aor::aor_table;
use crate::records::synthetic::export::convert_records;
use crate::records::synthetic::layouts::write_layout_csv;
use crate::render::output::{temporary_beside, write_atomically};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The release's columns, in order; the first (the R row index) is unnamed.
pub(crate) const COLUMNS: [&str; 65] = [
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
pub(crate) struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        (((self.next_u64() >> 11) as u128 * n as u128) >> 53) as u64
    }

    /// `true` with probability `per_mille / 1000`.
    pub(crate) fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// A value from `(value, weight)` pairs.
    pub(crate) fn weighted<'a>(&mut self, items: &[(&'a str, u64)]) -> &'a str {
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

/// Per thousand rows: a detainer recorded twice (a pair with the same person
/// and prepare date, both rows flagged `duplicate_likely`, as the release
/// flags every row of such a group).
const PAIRS_PER_MILLE: u64 = 15;

/// Per thousand rows: a row flagged `duplicate_likely` with no partner in the
/// file (its partner was, say, in another year's file).
const LONE_FLAGS_PER_MILLE: u64 = 5;

/// ICE's forms as the generator writes `detainer_type`, with the class the
/// Deportation Data Project gives each in `request_type` (`NA`: none) and
/// weights. Hold requests dominate, as in NPR's and DDP's files; the
/// rescinded 2017 forms and an unlisted spelling are rarer.
pub const FORMS: [(&str, &str, u64); 8] = [
    (
        "I247A - Immigration Detainer - Notice of Action",
        "Detainer request",
        700,
    ),
    (
        "I247D - Immigration Detainer - Request for Action",
        "Detainer request",
        60,
    ),
    (
        "I247 - Immigration Detainer - Notice of Action (prior to March 2013)",
        "Detainer request",
        40,
    ),
    (
        "I247N - Immigration Advisal - Request for Notification",
        "Request for advance notification of release",
        130,
    ),
    ("I247G", "Request for advance notification of release", 20),
    ("I247X - Request for Transfer", "Other", 20),
    ("I-247 Unlisted Form", "NA", 10),
    ("NA", "NA", 20),
];

/// The columns the generator adds, after [`COLUMNS`], to the file a layout
/// is written from (never to the canonical file itself, which keeps the
/// 2025 release's 65 columns).
pub(crate) const EXTRA_COLUMNS: [&str; 4] = [
    "detainer_lift_date",
    "request_type",
    "duplicate_episode_id",
    "duplicate_drop_row",
];

/// Per thousand rows: the start of an episode, one or two more rows of the
/// person on the following days (each a day after the one before).
const EPISODES_PER_MILLE: u64 = 25;

/// Per thousand rows with a lift reason: a lift date.
const LIFT_DATES_PER_MILLE: u64 = 750;

/// A row's lift date, as the generator wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiftTruth {
    /// Days from the prepare date to the lift date (negative: earlier).
    Days(i64),
    /// Text that is not a date.
    Unreadable,
}

/// What a generated row holds, as the analysis should read it: the truth
/// the tests compare every computed number with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowTruth {
    /// The prepare date; `None` when it is `NA` or a spreadsheet's serial
    /// day number written as text (not a date in any form read).
    pub date: Option<chrono::NaiveDate>,
    /// The area's code (`data/crosswalk/aor.csv`).
    pub aor: String,
    /// The area's label as written.
    pub aor_label: String,
    /// `facility_state`.
    pub state: String,
    /// `detention_facility`.
    pub facility: String,
    /// `detainer_lift_reason`; `None` for `NA`.
    pub lift_reason: Option<String>,
    /// `duplicate_likely` is `TRUE`.
    pub flagged: bool,
    /// `unique_identifier`.
    pub id: String,
    /// `detainer_type` as written (`NA`: missing).
    pub form: String,
    /// DDP's class of the form, as `request_type` holds it (`NA`: none).
    pub request_type: String,
    /// The episode the row was written in, numbered over the file (a pair
    /// and an episode's rows share one); `None` for a row written alone.
    pub episode: Option<u64>,
    /// DDP's `duplicate_drop_row` by construction: an earlier row of the
    /// episode has the same form (and facility).
    pub drop: bool,
    /// The lift date, when one is written (only in layout files).
    pub lift: Option<LiftTruth>,
}

/// One row's values, drawn before it is written (so a repeat can copy it).
#[derive(Debug, Clone)]
struct Row {
    date_text: String,
    date: Option<chrono::NaiveDate>,
    code: String,
    label: String,
    state: &'static str,
    country: &'static str,
    entry: &'static str,
    category: &'static str,
    reason: usize,
    birth_year: u64,
    months: u64,
    id: String,
    flagged: bool,
    criminal: bool,
    facility: u64,
    threat: u64,
    male: bool,
    final_order: &'static str,
    reentry: &'static str,
    fiscal_year: u64,
    form: usize,
    lift: Option<LiftTruth>,
    episode: Option<u64>,
    drop: bool,
}

fn pick_reason(rng: &mut Rng) -> usize {
    let total: u64 = LIFT_REASONS.iter().map(|r| r.2).sum();
    let mut x = rng.below(total);
    for (i, r) in LIFT_REASONS.iter().enumerate() {
        if x < r.2 {
            return i;
        }
        x -= r.2;
    }
    LIFT_REASONS.len() - 1
}

fn draw_row(rng: &mut Rng, aors: &[(String, String)]) -> Row {
    let start = chrono::NaiveDate::from_ymd_opt(2012, 10, 1).unwrap_or_default();
    let date = start + chrono::Days::new(rng.below(DAY_SPAN));
    let (date_text, parsed) = if rng.chance(2) {
        ("NA".to_string(), None)
    } else if rng.chance(1) {
        // Unparseable dates occur in real exports: a spreadsheet's serial
        // day number written as text.
        let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
        ((date - epoch).num_days().to_string(), None)
    } else {
        (date.format("%Y-%m-%d").to_string(), Some(date))
    };
    let (code, label) = aors[rng.below(aors.len() as u64) as usize].clone();
    let states = states_for(&code);
    let state = states[rng.below(states.len() as u64) as usize];
    let country = rng.weighted(&COUNTRIES);
    let entry = rng.weighted(&ENTRY_STATUSES);
    let category = rng.weighted(&CASE_CATEGORIES);
    let reason = pick_reason(rng);
    let birth_year = 1950 + rng.below(58);
    let months = rng.below(200);
    let id = format!(
        "{:016x}{:016x}{:08x}",
        rng.next_u64(),
        rng.next_u64(),
        rng.next_u32_like()
    );
    Row {
        date_text,
        date: parsed,
        code,
        label,
        state,
        country,
        entry,
        category,
        reason,
        birth_year,
        months,
        id,
        flagged: rng.chance(LONE_FLAGS_PER_MILLE),
        criminal: rng.chance(700),
        facility: rng.below(400),
        threat: 1 + rng.below(3),
        male: rng.chance(880),
        final_order: yes_no(rng, 200, 100),
        reentry: yes_no(rng, 100, 600),
        fiscal_year: 2013 + rng.below(14),
        form: 0,
        lift: None,
        episode: None,
        drop: false,
    }
}

/// The index in [`FORMS`] of a form drawn by weight.
fn pick_form(rng: &mut Rng) -> usize {
    let total: u64 = FORMS.iter().map(|f| f.2).sum();
    let mut x = rng.below(total);
    for (i, f) in FORMS.iter().enumerate() {
        if x < f.2 {
            return i;
        }
        x -= f.2;
    }
    0
}

/// A lift date for a row with lift reason `reason` (an index in
/// [`LIFT_REASONS`]): most within days of the prepare date (a refusal is
/// recorded quickly, a release can take months), a few before it, a few
/// unreadable.
fn pick_lift(rng: &mut Rng, reason: usize) -> Option<LiftTruth> {
    // A lift date without a reason is rare, but occurs.
    let per_mille = if LIFT_REASONS[reason].0 == "NA" {
        40
    } else {
        LIFT_DATES_PER_MILLE
    };
    if !rng.chance(per_mille) {
        return None;
    }
    if rng.chance(5) {
        return Some(LiftTruth::Unreadable);
    }
    if rng.chance(15) {
        return Some(LiftTruth::Days(-1 - rng.below(30) as i64));
    }
    let span = match LIFT_REASONS[reason].0 {
        "Detainer Declined by LEA" => 14,
        "Booked into Detention" => 90,
        "No longer in State, Local, or Federal Custody" => 400,
        _ => 150,
    };
    Some(LiftTruth::Days(rng.below(span) as i64))
}

impl Row {
    fn facility_name(&self) -> String {
        format!("COUNTY JAIL {}", self.facility)
    }

    fn truth(&self) -> RowTruth {
        let reason = LIFT_REASONS[self.reason].0;
        RowTruth {
            date: self.date,
            aor: self.code.clone(),
            aor_label: self.label.clone(),
            state: self.state.to_string(),
            facility: self.facility_name(),
            lift_reason: (reason != "NA").then(|| reason.to_string()),
            flagged: self.flagged,
            id: self.id.clone(),
            form: FORMS[self.form].0.to_string(),
            request_type: FORMS[self.form].1.to_string(),
            episode: self.episode,
            drop: self.drop,
            lift: self.lift,
        }
    }

    /// The extra columns ([`EXTRA_COLUMNS`]), comma-led.
    fn extras(&self) -> String {
        let lift = match (self.lift, self.date) {
            (Some(LiftTruth::Days(d)), Some(date)) => {
                let lifted = date + chrono::TimeDelta::days(d);
                lifted.format("%Y-%m-%d").to_string()
            }
            (Some(LiftTruth::Unreadable), _) => "\"pending\"".to_string(),
            _ => "NA".to_string(),
        };
        let request = match FORMS[self.form].1 {
            "NA" => "NA".to_string(),
            r => format!("\"{r}\""),
        };
        // DDP numbers a person's episodes from 1; each person here has one.
        format!(
            ",{lift},{request},1,{}",
            if self.drop { "TRUE" } else { "FALSE" }
        )
    }

    fn write<W: Write>(&self, w: &mut W, index: u64, extras: bool) -> std::io::Result<()> {
        let q = |s: &str| {
            if s == "NA" {
                "NA".to_string()
            } else {
                format!("\"{s}\"")
            }
        };
        let (reason, reason_code, _) = LIFT_REASONS[self.reason];
        let date = &self.date_text;
        write!(
            w,
            "\"{index}\",{date},\"{state}\",\"{label}\",NA,NA,NA,\"ACTIVE\",\"{crim}\",\"{facility}\",\"CJ{fac:04}\",\"CITY {fac}\",\"{threat}\",\"{gender}\",\"{country}\",\"{country}\",{birth_year},{entry},\"Dangerous Drugs\",NA,{months},NA,\"3599\",{date},{date},\"Not an Aggravated Felon\",\"Warrant of Arrest/Notice to Appear\",{category},NA,NA,NA,{fo},NA,NA,NA,\"NO\",\"NO\",\"NO\",NA,{reentry},NA,NA,NA,\"NO\",\"NO\",\"NO\",\"NO\",\"YES\",\"YES\",NA,NA,NA,NA,\"NO\",{reason},{reason_code},NA,{form},NA,\"DOCKET CONTROL OFFICE {code}\",\"{id}\",{dup},\"SYNTHETIC_Detainers.xlsx\",\"FY{fy}\",{index}",
            state = self.state,
            label = self.label,
            crim = if self.criminal { "1 Convicted Criminal" } else { "3 Other Immigration Violator" },
            facility = self.facility_name(),
            fac = self.facility,
            threat = self.threat,
            gender = if self.male { "Male" } else { "Female" },
            country = self.country,
            birth_year = self.birth_year,
            entry = q(self.entry),
            months = self.months,
            category = q(self.category),
            fo = self.final_order,
            reentry = self.reentry,
            reason = q(reason),
            reason_code = q(reason_code),
            code = self.code,
            id = self.id,
            dup = if self.flagged { "TRUE" } else { "FALSE" },
            fy = self.fiscal_year,
            form = q(FORMS[self.form].0),
        )?;
        if extras {
            w.write_all(self.extras().as_bytes())?;
        }
        writeln!(w)
    }
}

impl Rng {
    fn next_u32_like(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }
}

/// Write a synthetic detainer file to `w`. Returns (rows, bytes) written.
pub fn generate_records<W: Write>(w: W, size: Size, seed: u64) -> std::io::Result<(u64, u64)> {
    write_records(w, size, seed, false, None)
}

/// [`generate_records`], and what each row written holds, in file order
/// (kept in memory: for test-sized files).
pub fn generate_records_with_truth<W: Write>(
    w: W,
    size: Size,
    seed: u64,
) -> std::io::Result<(u64, u64, Vec<RowTruth>)> {
    let mut truth = Vec::new();
    let (rows, bytes) = write_records(w, size, seed, false, Some(&mut truth))?;
    Ok((rows, bytes, truth))
}

/// [`generate_records_with_truth`] with the columns later releases add
/// (a lift date, DDP's `request_type`, its episode
/// number and `duplicate_drop_row`), as a layout file is written from.
pub fn generate_extended_with_truth<W: Write>(
    w: W,
    size: Size,
    seed: u64,
) -> std::io::Result<(u64, u64, Vec<RowTruth>)> {
    let mut truth = Vec::new();
    let (rows, bytes) = write_records(w, size, seed, true, Some(&mut truth))?;
    Ok((rows, bytes, truth))
}

fn write_records<W: Write>(
    w: W,
    size: Size,
    seed: u64,
    extras: bool,
    mut truth: Option<&mut Vec<RowTruth>>,
) -> std::io::Result<(u64, u64)> {
    let mut w = CountingWriter {
        inner: BufWriter::with_capacity(1 << 20, w),
        bytes: 0,
    };
    let mut header: Vec<String> = COLUMNS.iter().map(|c| format!("\"{c}\"")).collect();
    if extras {
        header.extend(EXTRA_COLUMNS.iter().map(|c| format!("\"{c}\"")));
    }
    writeln!(w, "{}", header.join(","))?;
    let aors: Vec<(String, String)> = aor_table().into_iter().map(|a| (a.code, a.label)).collect();
    let mut rng = Rng::new(seed);
    // Forms, lift dates and episodes come from a stream of their own, so
    // the other columns of a seed's rows are those earlier versions wrote.
    let mut more = Rng::new(seed ^ 0x5EED_F0F0_1247_A001);
    let mut rows = 0;
    let mut episodes = 0;
    let done = |rows: u64, bytes: u64| match size {
        Size::Rows(n) => rows >= n,
        Size::Bytes(b) => bytes >= b,
    };
    let mut emit = |w: &mut CountingWriter<BufWriter<W>>, row: &Row, rows: &mut u64| {
        *rows += 1;
        row.write(w, *rows, extras)?;
        if let Some(t) = truth.as_deref_mut() {
            t.push(row.truth());
        }
        Ok::<(), std::io::Error>(())
    };
    while !done(rows, w.bytes) {
        let mut row = draw_row(&mut rng, &aors);
        let pair = rng.chance(PAIRS_PER_MILLE);
        row.flagged |= pair;
        row.form = pick_form(&mut more);
        row.lift = pick_lift(&mut more, row.reason);
        let chain = if !pair && row.date.is_some() && more.chance(EPISODES_PER_MILLE) {
            1 + more.below(2)
        } else {
            0
        };
        if pair || chain > 0 {
            episodes += 1;
            row.episode = Some(episodes);
        }
        emit(&mut w, &row, &mut rows)?;
        if pair && !done(rows, w.bytes) {
            // The same detainer again: same person, date, area, facility
            // and form; its lift reason drawn anew, as a later update might
            // record it.
            let mut repeat = row.clone();
            repeat.reason = pick_reason(&mut rng);
            repeat.lift = pick_lift(&mut more, repeat.reason);
            repeat.drop = row.date.is_some();
            emit(&mut w, &repeat, &mut rows)?;
        }
        // An episode: the person again on each following day, at the same
        // facility, mostly on the same form (a repeat), sometimes on a
        // notification request instead (its own detainer in DDP's rule).
        let mut forms = vec![row.form];
        let mut next = row.clone();
        for _ in 0..chain {
            if done(rows, w.bytes) {
                break;
            }
            let Some(date) = next.date.map(|d| d + chrono::Days::new(1)) else {
                break;
            };
            next.date = Some(date);
            next.date_text = date.format("%Y-%m-%d").to_string();
            next.form = if more.chance(750) {
                row.form
            } else if FORMS[row.form].1 == "Request for advance notification of release" {
                0
            } else {
                3
            };
            next.reason = pick_reason(&mut more);
            next.lift = pick_lift(&mut more, next.reason);
            next.drop = forms.contains(&next.form);
            forms.push(next.form);
            emit(&mut w, &next, &mut rows)?;
        }
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
    /// The file just written at `path`, with its size read from the disk.
    fn written(path: &Path, rows: u64) -> Result<GeneratedFile> {
        let bytes = std::fs::metadata(path)
            .map_err(|e| Error::io(path, e))?
            .len();
        Ok(GeneratedFile {
            path: path.to_path_buf(),
            rows,
            bytes,
        })
    }

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

/// [`generate_records`] into a new CSV file (written beside `path`, then
/// renamed into place).
pub fn generate_file(path: &Path, size: Size, seed: u64) -> Result<GeneratedFile> {
    generate_file_as(path, size, seed, FileFormat::Csv)
}

/// [`generate_file`] in any format the records are published in: the CSV
/// rows written as [`crate::records::convert_records`] writes them. `size` in bytes
/// is the CSV's size; every format holds the same rows.
pub fn generate_file_as(
    path: &Path,
    size: Size,
    seed: u64,
    format: FileFormat,
) -> Result<GeneratedFile> {
    if let (FileFormat::Xlsx, Size::Rows(n)) = (format, size) {
        let room = u64::from(super::export::SHEET_ROWS - super::export::PREAMBLE_ROWS - 1);
        if n > room {
            return Err(Error::Argument(format!(
                "an xlsx worksheet holds at most {room} data rows below the release's preamble and header; ask for fewer rows or another format"
            )));
        }
    }
    let rows = match format {
        FileFormat::Csv => write_atomically(path, |tmp| write_csv(tmp, size, seed))?,
        _ => {
            let csv = temporary_beside(path, "csv");
            let written = write_csv(&csv, size, seed)
                .and_then(|rows| convert_records(&csv, path, format).map(|()| rows));
            let _ = std::fs::remove_file(&csv);
            written?
        }
    };
    GeneratedFile::written(path, rows)
}

/// [`generate_file_as`] in a published `layout` (see
/// [`bundled_layouts`](crate::records::bundled_layouts)): the same rows,
/// each column the layout has under its name, its markers, its prepare-date
/// form and its delimiter.
///
/// # Errors
/// As [`generate_file_as`].
pub fn generate_layout_file(
    path: &Path,
    size: Size,
    seed: u64,
    format: FileFormat,
    layout: &Layout,
) -> Result<GeneratedFile> {
    let canonical = temporary_beside(path, "canonical.csv");
    let rows = write_csv_with(&canonical, size, seed, true).and_then(|rows| {
        if format == FileFormat::Csv {
            write_layout_csv(&canonical, path, layout, false)?;
        } else {
            let text = temporary_beside(path, "layout.csv");
            let written = write_layout_csv(&canonical, &text, layout, true)
                .and_then(|()| convert_records(&text, path, format));
            let _ = std::fs::remove_file(&text);
            written?;
        }
        Ok(rows)
    });
    let _ = std::fs::remove_file(&canonical);
    let rows = rows?;
    GeneratedFile::written(path, rows)
}

fn write_csv(path: &Path, size: Size, seed: u64) -> Result<u64> {
    write_csv_with(path, size, seed, false)
}

/// The generated rows as CSV at `path`, with [`EXTRA_COLUMNS`] when
/// `extras`.
fn write_csv_with(path: &Path, size: Size, seed: u64, extras: bool) -> Result<u64> {
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let (rows, _) =
        write_records(file, size, seed, extras, None).map_err(|e| Error::io(path, e))?;
    Ok(rows)
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
