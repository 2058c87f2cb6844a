//! saphyr-parser 0.3.4 (<https://github.com/saphyr-rs/saphyr>), carried as a module of this crate
//! so that it reads YAML the way the Serverless Framework's loader (js-yaml 4) does where the two
//! differ. Licensed under MIT or Apache-2.0 by Chen Yuheng and Ethiraric: see `LICENSE` and
//! `licenses/` beside this file. `PATCHES.md` lists every change from upstream, each small enough
//! to offer upstream as an option; everything else is upstream's code as published (imports
//! adapted to a module of a `std` crate).
//!
//! Why not `[patch.crates-io]`: `cargo install ws-lint` from crates.io ignores patches, and would
//! build a linter that disagrees with the framework again.

#![allow(
    clippy::all,
    clippy::pedantic,
    missing_docs,
    dead_code,
    unused_imports,
    unused_macros
)]

#[macro_use]
mod debug;
mod char_traits;
pub mod input;
mod parser;
mod scanner;

pub use input::{str::StrInput, BufferedInput, Input};
pub use parser::{Event, EventReceiver, Parser, SpannedEventReceiver, Tag};
pub use scanner::{Marker, ScalarStyle, ScanError, Span};
