/*
 * utf8.c - whole-buffer UTF-8 helpers built on cm_utf8_step.
 */
#include "citymig/utf8.h"

#include <string.h>

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

size_t cm_utf8_decode(const void *s, size_t len, uint32_t *cp)
{
    const unsigned char *p = s;
    cm_utf8_state st = {0};
    uint32_t v = 0;
    for (size_t i = 0; i < len && i < 4; i++) {
        if (!cm_utf8_step(&st, p[i]))
            return 0;
        if (i == 0)
            v = p[0] < 0x80    ? p[0]
                : p[0] >= 0xf0 ? p[0] & 0x07u
                : p[0] >= 0xe0 ? p[0] & 0x0fu
                               : p[0] & 0x1fu;
        else
            v = v << 6 | (p[i] & 0x3fu);
        if (st.need == 0) {
            *cp = v;
            return i + 1;
        }
    }
    return 0;
}

size_t cm_utf16_length(const void *s, size_t len)
{
    const unsigned char *p = s;
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((p[i] & 0xc0) != 0x80) + (p[i] >= 0xf0); /* 4-byte forms: a surrogate pair */
    return n;
}

/* Is s[i..] an escape Excel would decode, "_xHHHH_"? */
static bool ooxml_escape_at(const char *s, size_t len, size_t i)
{
    if (len - i < 7 || s[i] != '_' || s[i + 1] != 'x' || s[i + 6] != '_')
        return false;
    for (size_t k = 2; k < 6; k++) {
        char c = s[i + k];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

bool cm_ooxml_needs_escape(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n') || (c == '_' && ooxml_escape_at(s, len, i)))
                return true;
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = cm_utf8_decode(s + i, len - i, &cp);
        if (n == 0 || !cm_xml_char_ok(cp))
            return true;
        i += n;
    }
    return false;
}

size_t cm_ooxml_escape(const char *s, size_t len, char *out, size_t max_units, size_t *used)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0, units = 0, i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp = c;
        size_t n = c < 0x80 ? 1 : cm_utf8_decode(s + i, len - i, &cp);
        bool escape = n == 0 ? false
                             : (cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0xFFFE ||
                                   cp == 0xFFFF || (c == '_' && ooxml_escape_at(s, len, i));
        if (n == 0) { /* not UTF-8: U+FFFD for this byte */
            if (units + 1 > max_units)
                break;
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            units++;
            i++;
        } else if (escape) {
            if (units + 7 > max_units)
                break;
            char e[7] = {
                '_',          'x', hex[cp >> 12 & 15], hex[cp >> 8 & 15], hex[cp >> 4 & 15],
                hex[cp & 15], '_'};
            memcpy(out + o, e, 7);
            o += 7;
            units += 7;
            i += n;
        } else {
            size_t u = cp >= 0x10000 ? 2 : 1;
            if (units + u > max_units)
                break;
            memcpy(out + o, s + i, n);
            o += n;
            units += u;
            i += n;
        }
    }
    out[o] = '\0';
    if (used)
        *used = i;
    return o;
}
