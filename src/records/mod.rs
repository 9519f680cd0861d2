//! The record-level pipeline: ICE's detainer records (the Deportation Data
//! Project's release, one row per detainer) through the article's analysis.
//!
//! ```text
//! record files ──scan (engines: blocks | polars)──▶ counted combinations
//!   (schema, filters, reasons)                      (counts)
//!                                                      │ summarise (crosswalks:
//!                                                      │   status groups, lift outcomes)
//!                                                      ▼
//!                   RecordResults ◀── population context ──▶ tables, figures ──▶ out/records/
//! ```
//!
//! Takes in: one or more record files, [`Filters`], a status crosswalk and a
//! population table. Gives out: [`RecordResults`] (written as `results.json`),
//! tables, figures and a report folder. Reads each file once in blocks, so
//! memory stays bounded at any size. Uses what is below both pipelines (CSV
//! reading, statistics, rendering); knows nothing of the article's pipeline.

pub(crate) mod areas;
pub(crate) mod counts;
pub(crate) mod crosswalk;
pub(crate) mod dates;
pub(crate) mod duplicates;
pub(crate) mod engines;
pub(crate) mod events;
pub(crate) mod export;
pub(crate) mod figures;
pub(crate) mod filters;
pub(crate) mod formats;
pub(crate) mod generate;
pub(crate) mod key_numbers;
pub(crate) mod outcomes;
pub(crate) mod population;
pub(crate) mod progress;
pub(crate) mod reasons;
pub(crate) mod report;
pub(crate) mod scan;
pub(crate) mod schema;
pub(crate) mod summary;
pub(crate) mod tables;
pub(crate) mod xlsx;
