//! The integration tests, in one crate (ripgrep's layout): one binary links
//! polars once, and the helpers live once, in `util`. The modules mirror
//! `src/`: the article's pipeline, the records' pipeline, then what holds
//! across both (hostile input, outputs, properties, process state).

mod util;

mod article;
mod hardening;
mod library_state;
mod outputs;
mod properties;
mod records;
