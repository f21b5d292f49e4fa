/*
 * writer.c - an output with a sticky error.
 */
#include "citymig/writer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cm_writer_init_file(cm_writer *w, FILE *fp)
{
    w->fp = fp;
    w->fd = -1;
    w->err = ferror(fp) ? EIO : 0;
}

void cm_writer_init_fd(cm_writer *w, int fd)
{
    w->fp = NULL;
    w->fd = fd;
    w->err = 0;
}

/* Keeps why a write failed: errno, or EIO when the system said nothing. A
   stream is judged by its error indicator too (clear when the writer was
   made, or the writer failed then): stdio may report a failed write of an
   unbuffered stream as a whole one. */
static void failed(cm_writer *w)
{
    w->err = errno ? errno : EIO;
}

static void write_fd(cm_writer *w, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(w->fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            if (k == 0)
                errno = EIO;
            failed(w);
            return;
        }
        p += k;
        n -= (size_t)k;
    }
}

void cm_writer_write(cm_writer *w, const void *buf, size_t n)
{
    if (w->err || n == 0)
        return;
    errno = 0;
    if (!w->fp)
        write_fd(w, buf, n);
    else if (fwrite(buf, 1, n, w->fp) != n || ferror(w->fp))
        failed(w);
}

void cm_writer_puts(cm_writer *w, const char *s)
{
    cm_writer_write(w, s, strlen(s));
}

void cm_writer_putc(cm_writer *w, char c)
{
    if (w->err)
        return;
    errno = 0;
    if (!w->fp)
        write_fd(w, &c, 1);
    else if (putc((unsigned char)c, w->fp) == EOF || ferror(w->fp))
        failed(w);
}

void cm_writer_printf(cm_writer *w, const char *fmt, ...)
{
    if (w->err)
        return;
    va_list ap;
    va_start(ap, fmt);
    errno = 0;
    if (w->fp) {
        if (vfprintf(w->fp, fmt, ap) < 0 || ferror(w->fp))
            failed(w);
        va_end(ap);
        return;
    }
    /* A descriptor: the text put together first, on the stack when short. */
    char small[512], *text = small;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof small) {
        text = malloc((size_t)n + 1);
        if (text)
            vsnprintf(text, (size_t)n + 1, fmt, again);
        else
            errno = ENOMEM;
    }
    va_end(again);
    if (n < 0 || !text)
        failed(w);
    else
        write_fd(w, text, (size_t)n);
    if (text != small)
        free(text);
}

int cm_writer_flush(cm_writer *w)
{
    if (!w->err && w->fp) {
        errno = 0;
        if (fflush(w->fp) != 0 || ferror(w->fp))
            failed(w);
    }
    return w->err;
}

int cm_writer_error(const cm_writer *w)
{
    return w->err;
}

int cm_writer_result(const cm_writer *w)
{
    if (!w->err)
        return 0;
    errno = w->err;
    return -1;
}
