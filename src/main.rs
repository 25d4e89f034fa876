//! The `ideabox` command: parses arguments and hands over to the library.

fn main() -> std::process::ExitCode {
    limit_malloc_arenas();
    ideabox::cli::main()
}

/// glibc gives threads that allocate at once arenas of their own, up to eight per core; each
/// keeps freed memory. Two arenas serve this server's few busy threads without contention
/// worth measuring, and keep the resident memory under load near what the data needs.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: called first thing in main, before any other thread exists; mallopt only sets
    // an allocator parameter.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
