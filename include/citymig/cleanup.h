/*
 * cleanup.h - temporary files to remove, and the writer child to stop, when
 * a signal ends the process.
 *
 * Writers register each temporary file they create (before it is renamed
 * into place) and withdraw it once renamed or removed. The signal handler
 * (cm_signals_install) stops the writer child, removes what is registered,
 * says so and exits with 128 + the signal, so an interrupted run leaves no
 * temporary file behind and any earlier output untouched.
 *
 * This is process-wide state by nature: a signal handler can reach nothing
 * else. Paths are copied into fixed slots; the handler only reads them and
 * calls kill(), waitpid(), unlink(), write() and _exit(), which are
 * async-signal-safe.
 */
#ifndef CITYMIG_CLEANUP_H
#define CITYMIG_CLEANUP_H

#include <signal.h>
#include <sys/types.h>

/** Registers a temporary file; returns a slot, or -1 when all are taken. */
int cm_cleanup_add(const char *path);

/** Withdraws a slot (after the file was renamed or removed); -1 is a no-op. */
void cm_cleanup_remove(int slot);

/** The child process writing an output (0: none), killed on interruption. */
void cm_cleanup_child(int pid);

/** Stops the child and removes every registered file (async-signal-safe). */
void cm_cleanup_now(void);

/*
 * Catches every signal whose default action ends the process (HUP, INT,
 * QUIT, PIPE, ALRM, TERM, USR1, USR2, XCPU, XFSZ), except those ignored on
 * entry (nohup, a background job): the handler cleans up, prints one line
 * and exits 128 + the signal. SIGXFSZ raised by the kernel for this process
 * (a write past the file size limit, ulimit -f) is not an interruption: the
 * write fails with EFBIG, which the writers report.
 */
void cm_signals_install(void);

/*
 * Blocks those signals (and the writer child's parent-death signal) in
 * *saved; cm_signals_restore puts the mask back. Used around fork and
 * around renames, so that a signal comes before or after, never between.
 */
void cm_signals_block(sigset_t *saved);
void cm_signals_restore(const sigset_t *saved);

/*
 * In a writer child just forked by parent (signals blocked by the parent
 * around the fork; restored by the caller after this): the child dies with
 * its parent (PR_SET_PDEATHSIG) and, on any of the signals, removes the
 * registered files and exits 128 + the signal without a message. Returns
 * -1 when the parent is already gone (the caller then exits at once).
 */
int cm_signals_child(pid_t parent);

/** Ends the process as the handler does for sig (cleanup, message, exit). */
void cm_signal_exit(int sig) __attribute__((noreturn));

/** Marks that an output was renamed into place (for the handler's message). */
void cm_cleanup_committed(void);

#endif
