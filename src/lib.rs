//! ws-lint: a linter and language server for the WebSocket parts of Serverless Framework
//! configuration.
//!
//! The core is pure: [`analyze`] takes text and settings and returns an [`Analysis`] (the
//! `analysis` module, on top of `rules`, `model`, `resolve` and `yaml`). The CLI (`cli`) and
//! the language server (`lsp`) are faces on top of it.

pub mod analysis;
pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod files;
pub mod lsp;
pub mod model;
pub mod render;
pub mod resolve;
pub mod resolved;
pub mod rules;
pub mod span;
mod suppression;
#[doc(hidden)]
pub mod synthetic;
pub mod variables;
pub mod yaml;

// The analysis API, where callers have always found it.
pub use analysis::{
    analyze, analyze_parsed, analyze_service, analyze_service_parsed, analyze_service_resolved,
    fix, Analysis, AppliedFix, FileAnalysis, FixRefused, Fixed, ServiceAnalysis, MAX_FIX_ROUNDS,
};
pub use diagnostics::sort_and_dedup;
