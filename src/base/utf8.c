/*
 * utf8.c - whole-buffer UTF-8 helpers built on cm_utf8_step.
 */
#include "citymig/utf8.h"

bool cm_utf8_valid(const void *s, size_t len)
{
    return cm_utf8_valid_prefix(s, len, (size_t)-1) == len;
}

size_t cm_utf8_valid_prefix(const void *s, size_t len, size_t max_chars)
{
    const unsigned char *p = s;
    cm_utf8_state st = {0};
    size_t i = 0, good = 0, chars = 0;

    while (i < len && chars < max_chars) {
        if (!cm_utf8_step(&st, p[i]))
            break;
        i++;
        if (st.need == 0) {
            good = i;
            chars++;
        }
    }
    return good;
}

size_t cm_utf8_length(const void *s, size_t len)
{
    const unsigned char *p = s;
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += (p[i] & 0xc0) != 0x80;
    return n;
}
