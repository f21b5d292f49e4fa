/*
 * cleanup.c - the registry of temporary files to remove, and the signal
 * handling that removes them.
 */
#define _GNU_SOURCE /* SIGRTMIN, prctl */
#include "citymig/cleanup.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

enum { SLOTS = 8, PATH_SIZE = 4096 };

static char paths[SLOTS][PATH_SIZE];
static volatile sig_atomic_t used[SLOTS];
static volatile sig_atomic_t child;
static volatile sig_atomic_t in_child;
static volatile sig_atomic_t committed;

/* The signals whose default action ends the process, and that can be
   caught. */
static const int caught[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGPIPE, SIGALRM,
                             SIGTERM, SIGUSR1, SIGUSR2, SIGXCPU, SIGXFSZ};
static const char *const names[] = {"SIGHUP",  "SIGINT",  "SIGQUIT", "SIGPIPE", "SIGALRM",
                                    "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGXCPU", "SIGXFSZ"};
enum { NCAUGHT = sizeof caught / sizeof caught[0] };

/* The writer child's parent-death signal: one nothing else sends. */
static int death_signal(void)
{
    return SIGRTMIN + 2;
}

void cm_cleanup_child(int pid)
{
    child = pid;
}

void cm_cleanup_committed(void)
{
    committed = 1;
}

int cm_cleanup_add(const char *path)
{
    size_t n = strlen(path);
    if (n >= PATH_SIZE)
        return -1;
    for (int i = 0; i < SLOTS; i++) {
        if (!used[i]) {
            memcpy(paths[i], path, n + 1);
            used[i] = 1;
            return i;
        }
    }
    return -1;
}

void cm_cleanup_remove(int slot)
{
    if (slot >= 0 && slot < SLOTS)
        used[slot] = 0;
}

/* Whether an output file is being written: a temporary file or a child. */
static int pending(void)
{
    int any = child > 0;
    for (int i = 0; i < SLOTS; i++)
        any |= used[i];
    return any;
}

void cm_cleanup_now(void)
{
    /* Stop the writer first, or it could make its file again. */
    if (child > 0) {
        pid_t pid = (pid_t)child;
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        child = 0;
    }
    for (int i = 0; i < SLOTS; i++) {
        if (used[i]) {
            unlink(paths[i]);
            used[i] = 0;
        }
    }
}

static void say(const char *s)
{
    ssize_t w = write(STDERR_FILENO, s, strlen(s));
    (void)w;
}

void cm_signal_exit(int sig)
{
    int saved = errno;
    /* A reader that stopped reading (| head) ends the run quietly, as it
       does any command, unless a file being written was given up. */
    int quiet = in_child || (sig == SIGPIPE && !pending());
    cm_cleanup_now();
    if (!quiet) {
        const char *name = NULL;
        for (int i = 0; i < NCAUGHT; i++)
            if (caught[i] == sig)
                name = names[i];
        if (sig == SIGINT || sig == SIGTERM || !name) {
            say("citymig: interrupted; ");
        } else {
            say("citymig: interrupted by ");
            say(name);
            say("; ");
        }
        say(committed ? "the outputs had been written in full\n" : "no output was changed\n");
    }
    errno = saved;
    _exit(128 + sig);
}

static void on_signal(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    /* The kernel's SIGXFSZ for a write of this process past the file size
       limit: that write fails with EFBIG, which is reported. */
    if (sig == SIGXFSZ && si && si->si_code == SI_USER && si->si_pid == getpid())
        return;
    cm_signal_exit(sig);
}

static void set_handler(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    /* One handler at a time: a second signal waits for the exit. */
    for (int i = 0; i < NCAUGHT; i++)
        sigaddset(&sa.sa_mask, caught[i]);
    sigaction(sig, &sa, NULL);
}

void cm_signals_install(void)
{
    for (int i = 0; i < NCAUGHT; i++) {
        struct sigaction old;
        if (sigaction(caught[i], NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) &&
            old.sa_handler == SIG_IGN)
            continue;
        set_handler(caught[i]);
    }
}

void cm_signals_block(sigset_t *saved)
{
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < NCAUGHT; i++)
        sigaddset(&set, caught[i]);
    sigaddset(&set, death_signal());
    pthread_sigmask(SIG_BLOCK, &set, saved);
}

void cm_signals_restore(const sigset_t *saved)
{
    pthread_sigmask(SIG_SETMASK, saved, NULL);
}

int cm_signals_child(pid_t parent)
{
    in_child = 1;
    child = 0;
    set_handler(death_signal());
    if (prctl(PR_SET_PDEATHSIG, death_signal()) != 0)
        return 0; /* not Linux: the parent's handler still stops it */
    /* The parent may have died before the request was made. */
    return getppid() == parent ? 0 : -1;
}
