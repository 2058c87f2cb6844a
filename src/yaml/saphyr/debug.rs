//! Debugging helpers. Upstream prints the scanner's and parser's steps under its `debug_prints`
//! feature; the vendored copy keeps only the no-op, so the call sites stay as upstream wrote them.

/// Evaluates to nothing.
macro_rules! debug_print {
    ($($arg:tt)*) => {{}};
}
