//! The article's pipeline: a dataset folder transcribed from the article in,
//! a checked reproduction out.
//!
//! ```text
//! dataset folder ──load──▶ Dataset ──analyse──▶ Analysis ──check_claims──▶ claims ledger
//!   (datapackage.json,      (model,    (analysis,             (measures, claims)
//!    status.csv, ...)       validate)   stats)
//!                                         │
//!                                         ▼
//!                     tables, charts, figures, key numbers ──write_report──▶ out/<dataset>/
//! ```
//!
//! Takes in: a folder following the README's dataset contract. Gives out:
//! [`Dataset`], [`Analysis`], the claims ledger ([`ClaimCheck`]), tables and
//! figures, and a report folder (`results.json`, `report.html`, figures and
//! tables). Uses what is below both pipelines (CSV reading, statistics,
//! rendering); knows nothing of the record-level pipeline.

pub(crate) mod analysis;
pub(crate) mod charts;
pub(crate) mod claims;
pub(crate) mod figures;
pub(crate) mod key_numbers;
pub(crate) mod load;
pub(crate) mod measures;
pub(crate) mod model;
pub(crate) mod report;
pub(crate) mod tables;
pub(crate) mod validate;
