/*
 * encguess.c - the encoding of bytes that are not UTF-8 (see encguess.h).
 *
 * A sample is judged in this order: a byte order mark; UTF-16 without one
 * (every other byte NUL); valid UTF-8; then the high bytes' look. Where
 * they come in runs, as the bytes of two-byte characters do, each East
 * Asian code page is tried with iconv over the first MiB, one character at
 * a time, so that each character is known with the bytes it came from: a
 * code page that meets a byte it has no character for is out, and of the
 * others the one whose characters are most of its own script wins (a
 * common character counting more, so that text that two code pages decode
 * alike goes to the one it reads as words in). Latin text, whose high bytes
 * stand alone between ASCII letters, is Windows-1252.
 */
#include "citymig/encguess.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citymig/utf8.h"

/* The East Asian code pages are tried over at most this much of a sample. */
enum { DECODE_BYTES = 1024 * 1024 };

cm_enc_look cm_encguess_byte(unsigned char lead, int next)
{
    bool high = lead >= 0xA1 && lead <= 0xFE;
    if (lead >= 0x80 && lead <= 0x9F)
        return CM_ENC_LOOK_WINDOWS_1252;
    if (high && next >= 0xA1 && next <= 0xFE)
        return CM_ENC_LOOK_EAST_ASIAN;
    if (high && next < 0)
        return CM_ENC_LOOK_EITHER;
    return CM_ENC_LOOK_LATIN;
}

/* Characters common in the headers and names of statistical tables, in
   Korean, Chinese (simplified and traditional) and Japanese, sorted. */
static const uint32_t common_chars[] = {
    0x4E00, 0x4E0A, 0x4E0D, 0x4E16, 0x4E2A, 0x4E2D, 0x4E3A, 0x4E61, 0x4E86, 0x4EBA, 0x4ED6, 0x4EFD,
    0x4F4F, 0x4F86, 0x500B, 0x51FA, 0x5176, 0x5340, 0x533A, 0x53BF, 0x53E3, 0x5408, 0x548C, 0x56FD,
    0x570B, 0x5730, 0x57CE, 0x5916, 0x5927, 0x5973, 0x5E02, 0x5E26, 0x5E2F, 0x5E38, 0x5E74, 0x5E9C,
    0x603B, 0x6236, 0x6237, 0x6570, 0x6578, 0x65CF, 0x65E5, 0x662F, 0x6708, 0x6709, 0x672C, 0x6751,
    0x6765, 0x6C11, 0x6D41, 0x70BA, 0x751F, 0x7537, 0x753A, 0x7684, 0x76F8, 0x7701, 0x770C, 0x79FB,
    0x7B49, 0x7DCF, 0x7E23, 0x7E3D, 0x8A08, 0x8BA1, 0x8FC1, 0x9053, 0x90FD, 0x9109, 0x93AE, 0x9547,
    0xAC00, 0xACC4, 0xACE0, 0xAD6C, 0xAD6D, 0xAD70, 0xAE30, 0xB0A8, 0xB144, 0xB294, 0xB2E4, 0xB300,
    0xB3C4, 0xB3D9, 0xB839, 0xB85C, 0xB9AC, 0xBA74, 0xBA85, 0xBCC4, 0xC0AC, 0xC11C, 0xC131, 0xC138,
    0xC218, 0xC2DC, 0xC5D0, 0xC5EC, 0xC5F0, 0xC678, 0xC6D4, 0xC744, 0xC74D, 0xC758, 0xC774, 0xC778,
    0xC77C, 0xC790, 0xC804, 0xC815, 0xC9C0, 0xCD1D, 0xD558, 0xD55C, 0xD589,
};

static bool is_common(uint32_t cp)
{
    size_t lo = 0, hi = sizeof common_chars / sizeof common_chars[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (common_chars[mid] == cp)
            return true;
        if (common_chars[mid] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static bool is_ideograph(uint32_t cp)
{
    return cp >= 0x4E00 && cp <= 0x9FFF;
}

typedef enum east_asian { EA_CP949, EA_CP932, EA_GB18030, EA_BIG5, EA_COUNT } east_asian;

static const struct {
    const char *name;  /* as a manifest writes it */
    const char *iconv; /* as iconv knows it */
    const char *script;
} east_asian_pages[EA_COUNT] = {
    {"cp949", "CP949", "Hangul syllables"},
    {"cp932", "CP932", "kana and level-1 kanji"},
    {"gb18030", "GB18030", "GB 2312 ideographs"},
    {"big5", "BIG5", "level-1 Big5 ideographs"},
};

/* Is the character cp, decoded from bytes b0 b1 (len bytes), of the code
   page's own script? */
static bool own_script(east_asian page, uint32_t cp, unsigned char b0, unsigned char b1, size_t len)
{
    switch (page) {
    case EA_CP949:
        return cp >= 0xAC00 && cp <= 0xD7A3;
    case EA_CP932:
        return (cp >= 0x3040 && cp <= 0x30FF) || (is_ideograph(cp) && b0 >= 0x88 && b0 <= 0x9F);
    case EA_GB18030:
        return is_ideograph(cp) && len == 2 && b0 >= 0xB0 && b0 <= 0xF7 && b1 >= 0xA1 && b1 <= 0xFE;
    default:
        return is_ideograph(cp) && b0 >= 0xA4 && b0 <= 0xC6;
    }
}

typedef struct decoded {
    bool ok;       /* decoded without error */
    size_t chars;  /* characters from high bytes */
    size_t own;    /* of them, in the page's script */
    size_t common; /* of them, common characters */
    size_t bad_at; /* !ok: the offset of the byte it has no character for */
    unsigned bad_lead;
} decoded;

/* Decodes p[0..n) with a code page, one character a call past ASCII. */
static decoded try_page(east_asian page, const unsigned char *p, size_t n)
{
    decoded d = {0};
    iconv_t cd = iconv_open("UTF-32LE", east_asian_pages[page].iconv);
    if (cd == (iconv_t)-1)
        return d;
    d.ok = true;
    size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        unsigned char out[4];
        char *in = (char *)(uintptr_t)(p + i), *o = (char *)out;
        size_t inleft = n - i, outleft = sizeof out;
        size_t r = iconv(cd, &in, &inleft, &o, &outleft);
        size_t used = (size_t)((const unsigned char *)in - (p + i));
        if (r == (size_t)-1 && errno == EILSEQ && used == 0) {
            d.ok = false;
            d.bad_at = i;
            d.bad_lead = p[i];
            break;
        }
        if (r == (size_t)-1 && errno == EINVAL && used == 0)
            break; /* a character cut off by the end of the sample */
        if (used == 0) {
            /* More than one code point for one character: skip its bytes. */
            i += 2;
            d.chars++;
            continue;
        }
        uint32_t cp = (uint32_t)out[0] | (uint32_t)out[1] << 8 | (uint32_t)out[2] << 16 |
                      (uint32_t)out[3] << 24;
        d.chars++;
        d.own += own_script(page, cp, p[i], used > 1 ? p[i + 1] : 0, used);
        d.common += is_common(cp);
        i += used;
    }
    iconv_close(cd);
    return d;
}

/* Appends to why, as far as it holds. */
static void say(char *why, size_t size, size_t *o, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void say(char *why, size_t size, size_t *o, const char *fmt, ...)
{
    if (!why || *o >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(why + *o, size - *o, fmt, ap);
    va_end(ap);
    if (k > 0)
        *o += (size_t)k < size - *o ? (size_t)k : size - *o - 1;
}

/* "bytes 0x92 (3 times) and 0xE9 (once)": the most frequent few of from..to. */
static void list_bytes(char *why, size_t size, size_t *o, const size_t *count, unsigned from,
                       unsigned to)
{
    unsigned shown[4];
    size_t nshown = 0, total = 0;
    for (unsigned b = from; b <= to; b++)
        total += count[b] != 0;
    while (nshown < 4) {
        unsigned best = 0;
        size_t most = 0;
        for (unsigned b = from; b <= to; b++) {
            bool taken = false;
            for (size_t k = 0; k < nshown; k++)
                taken |= shown[k] == b;
            if (!taken && count[b] > most) {
                most = count[b];
                best = b;
            }
        }
        if (!most)
            break;
        shown[nshown++] = best;
    }
    say(why, size, o, "%s", total == 1 ? "byte " : "bytes ");
    for (size_t k = 0; k < nshown; k++) {
        size_t c = count[shown[k]];
        const char *sep = k == 0 ? "" : k + 1 == nshown && total == nshown ? " and " : ", ";
        if (c == 1)
            say(why, size, o, "%s0x%02X (once)", sep, shown[k]);
        else
            say(why, size, o, "%s0x%02X (%zu times)", sep, shown[k], c);
    }
    if (total > nshown)
        say(why, size, o, " and %zu other%s", total - nshown, total - nshown == 1 ? "" : "s");
}

/* UTF-16 without a byte order mark: ASCII text has a NUL in every other byte. */
static const char *utf16_unmarked(const unsigned char *p, size_t n)
{
    size_t pairs = (n < 4096 ? n : 4096) / 2, even = 0, odd = 0;
    for (size_t i = 0; i < pairs; i++) {
        even += p[2 * i] == 0;
        odd += p[2 * i + 1] == 0;
    }
    if (pairs < 2)
        return NULL;
    if (odd * 10 >= pairs * 3 && even * 20 < pairs)
        return "utf-16le";
    if (even * 10 >= pairs * 3 && odd * 20 < pairs)
        return "utf-16be";
    return NULL;
}

const char *cm_encguess(const unsigned char *p, size_t n, char *why, size_t why_size)
{
    size_t o = 0;
    if (why && why_size)
        why[0] = '\0';
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        say(why, why_size, &o, "UTF-8 with a byte order mark");
        return NULL;
    }
    if (n >= 4 && ((p[0] == 0xFF && p[1] == 0xFE && p[2] == 0 && p[3] == 0) ||
                   (p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF))) {
        say(why, why_size, &o, "a UTF-32 byte order mark (%02X %02X %02X %02X)", p[0], p[1], p[2],
            p[3]);
        return "utf-32";
    }
    if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
        say(why, why_size, &o, "a UTF-16 byte order mark (%02X %02X)", p[0], p[1]);
        return "utf-16";
    }
    const char *u16 = utf16_unmarked(p, n);
    if (u16) {
        say(why, why_size, &o, "no byte order mark, but every other byte is NUL, as in %s text",
            strcmp(u16, "utf-16le") == 0 ? "little-endian UTF-16" : "big-endian UTF-16");
        return u16;
    }

    /* Valid UTF-8, a character cut off at the end of the sample aside. */
    cm_utf8_state st = {0};
    size_t multi = 0, bad = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        bool lead = st.need == 0 && p[i] >= 0x80;
        if (!cm_utf8_step(&st, p[i])) {
            bad = i;
            break;
        }
        multi += lead;
    }
    if (bad == SIZE_MAX) {
        if (multi)
            say(why, why_size, &o, "valid UTF-8 (%zu characters past ASCII)", multi);
        else
            say(why, why_size, &o, "ASCII, which is UTF-8");
        return NULL;
    }

    /* The high bytes: how each looks, and whether they come alone or in runs. */
    size_t count[256] = {0}, alone = 0, in_runs = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < 0x80)
            continue;
        size_t run = i;
        while (run < n && p[run] >= 0x80)
            run++;
        if (run - i == 1)
            alone++;
        else
            in_runs += run - i;
        for (size_t k = i; k < run; k++) {
            count[p[k]]++;
            /* The second byte of a pair is counted with its first. */
            if (cm_encguess_byte(p[k], k + 1 < n ? p[k + 1] : -1) == CM_ENC_LOOK_EAST_ASIAN)
                k++, count[p[k]]++;
        }
        i = run - 1;
    }

    if (in_runs > 0 && in_runs >= alone) {
        size_t span = n < DECODE_BYTES ? n : DECODE_BYTES;
        decoded d[EA_COUNT];
        int best = -1;
        size_t best_score = 0;
        for (int page = 0; page < EA_COUNT; page++) {
            d[page] = try_page((east_asian)page, p, span);
            size_t score = d[page].own + 2 * d[page].common;
            if (d[page].ok && d[page].own > 0 && d[page].own * 2 >= d[page].chars &&
                score > best_score) {
                best = page;
                best_score = score;
            }
        }
        if (best >= 0) {
            say(why, why_size, &o,
                "%zu high bytes, most of them in pairs, as two-byte characters are; as %s they "
                "are %zu characters, %zu of them %s",
                in_runs + alone, east_asian_pages[best].name, d[best].chars, d[best].own,
                east_asian_pages[best].script);
            for (int page = 0; page < EA_COUNT; page++) {
                if (page == best)
                    continue;
                if (d[page].ok)
                    say(why, why_size, &o, "; as %s, %zu of %zu", east_asian_pages[page].name,
                        d[page].own, d[page].chars);
                else
                    say(why, why_size, &o, "; %s has no character for byte 0x%02X at %zu",
                        east_asian_pages[page].name, d[page].bad_lead, d[page].bad_at);
            }
            return east_asian_pages[best].name;
        }
    }

    /* Latin text: Windows-1252. */
    say(why, why_size, &o, "not UTF-8 (");
    list_bytes(why, why_size, &o, count, 0x80, 0xFF);
    say(why, why_size, &o, "); ");
    size_t c1 = 0;
    for (unsigned b = 0x80; b <= 0x9F; b++)
        c1 += count[b];
    if (c1)
        say(why, why_size, &o,
            "0x80 to 0x9F are Windows-1252's quotes, dashes and euro sign (control codes in "
            "ISO-8859-1)");
    else
        say(why, why_size, &o,
            "high bytes that stand alone between ASCII letters are Latin letters, which "
            "Windows-1252 holds as ISO-8859-1 does");
    static const unsigned char undefined[] = {0x81, 0x8D, 0x8F, 0x90, 0x9D};
    for (size_t k = 0; k < sizeof undefined; k++)
        if (count[undefined[k]]) {
            say(why, why_size, &o, "; but byte 0x%02X has no character in Windows-1252",
                undefined[k]);
            break;
        }
    return "windows-1252";
}
