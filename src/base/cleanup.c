/*
 * cleanup.c - the registry of temporary files to remove on interruption.
 */
#include "citymig/cleanup.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { SLOTS = 8, PATH_SIZE = 4096 };

static char paths[SLOTS][PATH_SIZE];
static volatile sig_atomic_t used[SLOTS];
static volatile sig_atomic_t child;

void cm_cleanup_child(int pid)
{
    child = pid;
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

void cm_cleanup_now(void)
{
    /* Stop the writer first, or it could make its file again. */
    if (child > 0) {
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        child = 0;
    }
    for (int i = 0; i < SLOTS; i++) {
        if (used[i]) {
            unlink(paths[i]);
            used[i] = 0;
        }
    }
}
