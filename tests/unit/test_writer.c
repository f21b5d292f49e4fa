/*
 * test_writer.c - the writer's sticky error: the first failed write is kept
 * with its errno and every later write is a no-op, on a stream (a stream
 * that fails once and then would accept everything, /dev/full) and on a
 * descriptor (a pipe whose reader is gone, SIGPIPE ignored); what succeeds
 * arrives whole; the renderers return the error they met.
 */
#define _GNU_SOURCE /* fopencookie, open_memstream */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "citymig/catalogue.h"
#include "citymig/longtable.h"
#include "citymig/writer.h"

/* A stream whose first write fails with EIO; the later ones would succeed
   and are counted. */
typedef struct flaky {
    int calls;
    size_t accepted;
} flaky;

static ssize_t flaky_write(void *cookie, const char *buf, size_t n)
{
    flaky *f = cookie;
    (void)buf;
    if (f->calls++ == 0) {
        errno = EIO;
        return -1;
    }
    f->accepted += n;
    return (ssize_t)n;
}

static void test_stream_first_error_kept(void **state)
{
    (void)state;
    flaky f = {0};
    cookie_io_functions_t io = {NULL, flaky_write, NULL, NULL};
    FILE *fp = fopencookie(&f, "w", io);
    assert_non_null(fp);
    setvbuf(fp, NULL, _IONBF, 0);
    cm_writer w;
    cm_writer_init_file(&w, fp);
    assert_int_equal(cm_writer_error(&w), 0);
    cm_writer_puts(&w, "first");
    assert_int_equal(cm_writer_error(&w), EIO);
    /* (glibc may try the rest of that write again, byte by byte, and
       report it whole: the stream's error indicator tells.) */
    int calls = f.calls;
    size_t accepted = f.accepted;
    /* The stream would take these: the writer never hands them over. */
    cm_writer_puts(&w, "second");
    cm_writer_putc(&w, 'x');
    cm_writer_write(&w, "third", 5);
    cm_writer_printf(&w, "%d %s", 4, "fourth");
    assert_int_equal(cm_writer_flush(&w), EIO);
    assert_int_equal(f.calls, calls);
    assert_int_equal(f.accepted, accepted);
    errno = 0;
    assert_int_equal(cm_writer_result(&w), -1);
    assert_int_equal(errno, EIO);
    fclose(fp);
}

static void test_stream_dev_full(void **state)
{
    (void)state;
    FILE *fp = fopen("/dev/full", "w");
    if (!fp)
        skip();
    /* Buffered: the error comes with the flush, and stays. */
    cm_writer w;
    cm_writer_init_file(&w, fp);
    cm_writer_puts(&w, "into the buffer");
    assert_int_equal(cm_writer_error(&w), 0);
    assert_int_equal(cm_writer_flush(&w), ENOSPC);
    cm_writer_printf(&w, "%s", "more");
    assert_int_equal(cm_writer_error(&w), ENOSPC);
    /* A stream already in error starts failed. */
    assert_true(ferror(fp));
    cm_writer again;
    cm_writer_init_file(&again, fp);
    assert_int_equal(cm_writer_error(&again), EIO);
    fclose(fp);

    /* Unbuffered: the first write fails. */
    fp = fopen("/dev/full", "w");
    assert_non_null(fp);
    setvbuf(fp, NULL, _IONBF, 0);
    cm_writer_init_file(&w, fp);
    cm_writer_putc(&w, 'a');
    assert_int_equal(cm_writer_error(&w), ENOSPC);
    fclose(fp);
}

static void test_stream_writes_arrive(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    cm_writer w;
    cm_writer_init_file(&w, fp);
    cm_writer_puts(&w, "a,");
    cm_writer_write(&w, "b\0c", 3);
    cm_writer_putc(&w, ',');
    cm_writer_printf(&w, "%05d|%-3s|%zu", 22, "x", (size_t)42);
    cm_writer_write(&w, NULL, 0);
    assert_int_equal(cm_writer_flush(&w), 0);
    assert_int_equal(cm_writer_result(&w), 0);
    fclose(fp);
    assert_int_equal(len, 18);
    assert_memory_equal(buf, "a,b\0c,00022|x  |42", 18);
    free(buf);
}

/* Everything a pipe holds, read without waiting. */
static size_t drain_pipe(int fd, char *buf, size_t size)
{
    size_t got = 0;
    for (;;) {
        ssize_t k = read(fd, buf + got, size - got);
        if (k <= 0)
            return got;
        got += (size_t)k;
    }
}

static void test_fd_broken_pipe(void **state)
{
    (void)state;
    struct sigaction ignore = {0}, saved;
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    assert_int_equal(sigaction(SIGPIPE, &ignore, &saved), 0);

    int broken[2], good[2];
    assert_int_equal(pipe(broken), 0);
    assert_int_equal(pipe(good), 0);
    assert_int_equal(fcntl(good[0], F_SETFL, O_NONBLOCK), 0);
    close(broken[0]);
    cm_writer w;
    cm_writer_init_fd(&w, broken[1]);
    cm_writer_puts(&w, "lost");
    assert_int_equal(cm_writer_error(&w), EPIPE);
    /* The descriptor now reaches a reader: later writes still go nowhere. */
    assert_int_equal(dup2(good[1], broken[1]), broken[1]);
    cm_writer_puts(&w, "later");
    cm_writer_putc(&w, '!');
    cm_writer_write(&w, "more", 4);
    cm_writer_printf(&w, "%s", "text");
    assert_int_equal(cm_writer_flush(&w), EPIPE);
    char buf[64];
    assert_int_equal(drain_pipe(good[0], buf, sizeof buf), 0);
    errno = 0;
    assert_int_equal(cm_writer_result(&w), -1);
    assert_int_equal(errno, EPIPE);
    close(broken[1]);
    close(good[0]);
    close(good[1]);
    assert_int_equal(sigaction(SIGPIPE, &saved, NULL), 0);
}

static void test_fd_writes_arrive(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
    cm_writer w;
    cm_writer_init_fd(&w, p[1]);
    /* Longer than the writer's own room for printf. */
    char long_text[2001];
    memset(long_text, 'y', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    cm_writer_puts(&w, "<");
    cm_writer_printf(&w, "%s|%d", long_text, -7);
    cm_writer_putc(&w, '>');
    assert_int_equal(cm_writer_flush(&w), 0);
    char buf[4096];
    size_t got = drain_pipe(p[0], buf, sizeof buf);
    assert_int_equal(got, 1 + 2000 + 3 + 1);
    assert_memory_equal(buf, "<yyy", 4);
    assert_memory_equal(buf + got - 4, "|-7>", 4);
    close(p[0]);
    close(p[1]);
}

/* Renderers report the writer's error as their result. */
static void test_renderers_report(void **state)
{
    (void)state;
    FILE *fp = fopen("/dev/full", "w");
    if (!fp)
        skip();
    setvbuf(fp, NULL, _IONBF, 0);
    errno = 0;
    assert_int_equal(cm_catalogue_write_markdown(fp), -1);
    assert_int_equal(errno, ENOSPC);
    fclose(fp);

    fp = fopen("/dev/full", "w");
    assert_non_null(fp);
    setvbuf(fp, NULL, _IONBF, 0);
    cm_results none = {0};
    errno = 0;
    assert_int_equal(cm_hits_write_csv(fp, &none, NULL, NULL, 0, false), -1);
    assert_int_equal(errno, ENOSPC);
    fclose(fp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_first_error_kept), cmocka_unit_test(test_stream_dev_full),
        cmocka_unit_test(test_stream_writes_arrive),    cmocka_unit_test(test_fd_broken_pipe),
        cmocka_unit_test(test_fd_writes_arrive),        cmocka_unit_test(test_renderers_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
