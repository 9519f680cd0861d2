//! Everything of the `detainers` crate, loaded from the shared library that
//! this crate's build script builds (see `build.rs`). Notebooks import this
//! crate under the name `detainers`, so cells read `use detainers::prelude::*;`.

extern crate detainers;

pub use detainers::*;
