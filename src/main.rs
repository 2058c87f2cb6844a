use clap::Parser;

/// mimalloc instead of the system allocator: an analysis builds a tree of hundreds of
/// thousands of small nodes, walks it from several threads and frees it at once. Against
/// glibc's allocator on large services, the linter is faster and the language server's peak
/// memory lower at the same latency; a run over a small file pays a little more to start
/// (`cargo bench --bench engine` and `ws-lint-lsp-bench` measure both).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    allocator::no_huge_pages();
    let cli = ws_lint::cli::Cli::parse();
    if cli.is_language_server() {
        allocator::return_freed_memory_early();
    }
    std::process::exit(ws_lint::cli::run(cli));
}

mod allocator {
    /// mimalloc's `mi_option_purge_delay` (`mi_option_t` in the `mimalloc.h` that
    /// libmimalloc-sys 0.1.49 bundles, v3; its Rust bindings do not name it). The test below
    /// checks it against its default.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

    /// mimalloc backs its arenas with transparent huge pages where the system allows them
    /// (`madvise`, as here): each first touch then clears 2 MB. That pays off only for inputs of
    /// many megabytes, and costs small runs and the language server's resident memory.
    /// mimalloc reads its own option before `main`; the process-wide switch applies to every
    /// later page fault.
    pub fn no_huge_pages() {
        #[cfg(target_os = "linux")]
        // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }

    /// A language server keeps one analysis per open file for hours, and its peak is what the
    /// editor's machine pays; a keystroke's analysis frees the previous one. mimalloc keeps
    /// freed memory for a second by default, so on a large service consecutive analyses
    /// overlap and the peak nearly doubles; returning it after a few milliseconds keeps the
    /// same edit latency.
    pub fn return_freed_memory_early() {
        // SAFETY: setting an option is a plain store into mimalloc's option table, valid at
        // any time.
        unsafe {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, 3);
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_option_number_names_the_purge_delay() {
            // Its default is 1000 (ms); its neighbours' are 1 and 0.
            // SAFETY: reading an option is a plain load from mimalloc's option table.
            let get = |option| unsafe { libmimalloc_sys::mi_option_get(option) };
            assert_eq!(get(PURGE_DELAY), 1000);
            assert_eq!(get(PURGE_DELAY - 1), 1);
            assert_eq!(get(PURGE_DELAY + 1), 0);
        }
    }
}
