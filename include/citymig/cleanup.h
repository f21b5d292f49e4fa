/*
 * cleanup.h - temporary files to remove if the process is interrupted.
 *
 * Writers register each temporary file they create (before it is renamed
 * into place) and withdraw it once renamed or removed. The CLI's SIGINT and
 * SIGTERM handler removes what is registered, so an interrupted run leaves
 * no temporary file behind and any earlier output untouched.
 *
 * This is process-wide state by nature: a signal handler can reach nothing
 * else. Paths are copied into fixed slots; the handler only reads them and
 * calls unlink(), which is async-signal-safe.
 */
#ifndef CITYMIG_CLEANUP_H
#define CITYMIG_CLEANUP_H

/** Registers a temporary file; returns a slot, or -1 when all are taken. */
int cm_cleanup_add(const char *path);

/** Withdraws a slot (after the file was renamed or removed); -1 is a no-op. */
void cm_cleanup_remove(int slot);

/** The child process writing an output (0: none), killed on interruption. */
void cm_cleanup_child(int pid);

/** Removes every registered file; for signal handlers (async-signal-safe). */
void cm_cleanup_now(void);

#endif
