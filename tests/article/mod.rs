//! The article's pipeline: the dataset contract, the analysis, the claims,
//! the tables and the command line's `report`.

mod analysis;
mod claims;
mod dataset;
mod report;
mod tables;
