//! Deep stacks: PostgreSQL accepts expressions nested thousands deep, and parsing, walking,
//! encoding or dropping their trees recurses that deep.
//!
//! A neutral module (no I/O, no errors) that the loader, the rules, the planner and the
//! command-line front ends all use for the threads that do such work.

/// Stack size of the threads that parse, lower, lint and plan: PostgreSQL accepts expressions
/// nested thousands deep, and walking, encoding or dropping their trees recurses that deep.
pub const DEEP_STACK: usize = 512 << 20;

/// Runs a command on a thread with a deep stack (see [`DEEP_STACK`]): rules and reporters walk
/// expression trees as deep as the SQL nests them.
///
/// # Panics
///
/// When the operating system cannot start the thread, and with `f`'s own panic.
pub fn with_deep_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        match std::thread::Builder::new()
            .stack_size(DEEP_STACK)
            .spawn_scoped(scope, f)
        {
            Ok(handle) => match handle.join() {
                Ok(value) => value,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(e) => panic!("cannot start the worker thread: {e}"),
        }
    })
}
