/*
 * bytescan.c - the clean-bytes pass: each block of 64 bytes becomes a few
 * 64-bit masks (one bit per byte), and everything else is arithmetic on
 * them. On x86-64 the masks come from SSE2 compares; elsewhere from a plain
 * loop, with the same results.
 */
#include "citymig/bytescan.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CM_BYTESCAN_AVX2 1
#include <immintrin.h>
#endif

/* One block's masks. */
typedef struct masks {
    uint64_t quote, edge, lf, cr, space, nul, high;
} masks;

#if defined(__SSE2__)
static inline uint64_t bits16(__m128i v, unsigned shift)
{
    return (uint64_t)(uint16_t)_mm_movemask_epi8(v) << shift;
}

static void classify(const cm_bytescan *s, const unsigned char *p, masks *m)
{
    const __m128i q = _mm_set1_epi8((char)s->quote), d = _mm_set1_epi8((char)s->delim);
    const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
    const __m128i ctl = _mm_set1_epi8(0x1f);
    memset(m, 0, sizeof *m);
    for (unsigned i = 0; i < 4; i++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
        __m128i is_lf = _mm_cmpeq_epi8(v, lf), is_cr = _mm_cmpeq_epi8(v, cr);
        /* Control bytes other than TAB, LF and CR (NUL among them). */
        __m128i is_nul =
            _mm_andnot_si128(_mm_or_si128(_mm_or_si128(is_lf, is_cr), _mm_cmpeq_epi8(v, tab)),
                             _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v));
        m->quote |= bits16(_mm_cmpeq_epi8(v, q), 16 * i);
        m->lf |= bits16(is_lf, 16 * i);
        m->edge |= bits16(_mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_or_si128(is_lf, is_cr)), 16 * i);
        m->space |= bits16(_mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, tab)), 16 * i);
        m->high |= bits16(v, 16 * i);
        /* CR and control bytes are rare: one mask for both, split only when set. */
        uint64_t rare = bits16(_mm_or_si128(is_cr, is_nul), 16 * i);
        if (rare) {
            m->cr |= bits16(is_cr, 16 * i);
            m->nul |= bits16(is_nul, 16 * i);
        }
    }
}
#else
static void classify(const cm_bytescan *s, const unsigned char *p, masks *m)
{
    memset(m, 0, sizeof *m);
    for (unsigned i = 0; i < 64; i++) {
        unsigned char c = p[i];
        uint64_t bit = (uint64_t)1 << i;
        if (c == s->quote)
            m->quote |= bit;
        if (c == s->delim || c == '\n' || c == '\r')
            m->edge |= bit;
        if (c == '\n')
            m->lf |= bit;
        if (c == '\r')
            m->cr |= bit;
        if (c == ' ' || c == '\t')
            m->space |= bit;
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            m->nul |= bit;
        if (c >= 0x80)
            m->high |= bit;
    }
}
#endif

/* Bit i of the result: the parity of bits 0..i of x. */
static inline uint64_t prefix_xor(uint64_t x)
{
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
}

/* Set bits, for sparse masks (line ends): a loop per bit beats a library
   call where the processor's popcount instruction may not be assumed. */
static inline unsigned popcount(uint64_t x)
{
    unsigned n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

void cm_bytescan_init(cm_bytescan *scan, unsigned char delim, unsigned char quote)
{
    memset(scan, 0, sizeof *scan);
    scan->delim = delim;
    scan->quote = quote;
    scan->prev_edge = 1;
#if defined(CM_BYTESCAN_AVX2)
    scan->wide = __builtin_cpu_supports("avx2");
#endif
}

/* Takes one block of n bytes (1..64), classified into m; p holds 64
   readable bytes. Leaves its marks in word k of marks, unless marks is
   NULL. */
__attribute__((always_inline)) static inline void absorb(cm_bytescan *s, const unsigned char *p,
                                                         unsigned n, masks m,
                                                         const cm_bytemarks *marks, size_t k)
{
    uint64_t valid = n == 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
    unsigned last = n - 1;
    m.quote &= valid;
    m.edge &= valid;
    m.lf &= valid;
    m.cr &= valid;
    m.space &= valid;
    m.nul &= valid;
    m.high &= valid;

    uint64_t inside = prefix_xor(m.quote) ^ s->in_quote;
    uint64_t edge = m.edge & ~inside;
    uint64_t space = m.space & ~inside;
    /* A space outside quotes with an edge (or the start) before it or after it. */
    uint64_t before = edge << 1 | s->prev_edge;
    uint64_t bad_space = space & (before | edge >> 1);
    if (s->prev_space && (edge & 1))
        bad_space |= 1;
    if (bad_space || m.nul)
        s->dirty = true;

    if (m.high || s->u8.need) {
        for (unsigned i = 0; i < n; i++) {
            if (!cm_utf8_step(&s->u8, p[i]))
                s->dirty = true;
            /* U+FFC0 to U+FFFF start EF BF: among them U+FFFE and U+FFFF,
               which the checked reader refuses. Rare: any is not clean (and
               EF last in a block, which may begin one). */
            if (p[i] == 0xef && (i == n - 1 || p[i + 1] == 0xbf))
                s->dirty = true;
        }
    }

    if (marks) {
        uint64_t ends = (m.lf | m.cr) & ~inside;
        marks->delims[k] = edge & ~ends;
        marks->ends[k] = ends;
        marks->quotes[k] = m.quote;
    }

    s->line_ends += popcount(m.lf) + popcount(m.cr) - popcount(m.cr & m.lf >> 1) -
                    (unsigned)(s->prev_cr & m.lf & 1);
    s->prev_cr = m.cr >> last & 1;
    s->last_was_end = ((m.lf | m.cr) >> last & 1) != 0;
    s->in_quote = (inside >> last & 1) ? ~(uint64_t)0 : 0;
    s->prev_edge = edge >> last & 1;
    s->prev_space = space >> last & 1;
}

static void block(cm_bytescan *s, const unsigned char *p, unsigned n, const cm_bytemarks *marks,
                  size_t k)
{
    masks m;
    classify(s, p, &m);
    absorb(s, p, n, m, marks, k);
}

/* The blocks of p[0..len), the last one short. */
#define FEED(block_fn)                                                                             \
    do {                                                                                           \
        size_t k = 0;                                                                              \
        for (; len >= 64; k++) {                                                                   \
            block_fn(scan, p, 64, marks, k);                                                       \
            p += 64;                                                                               \
            len -= 64;                                                                             \
        }                                                                                          \
        if (len) {                                                                                 \
            unsigned char tail[64] = {0};                                                          \
            memcpy(tail, p, len);                                                                  \
            block_fn(scan, tail, (unsigned)len, marks, k);                                         \
        }                                                                                          \
    } while (0)

static void feed_plain(cm_bytescan *scan, const unsigned char *p, size_t len,
                       const cm_bytemarks *marks)
{
    FEED(block);
}

#if defined(CM_BYTESCAN_AVX2)
/* The same with 32-byte compares, on processors that have them. */
__attribute__((target("avx2"))) static inline uint64_t bits32(__m256i v, unsigned shift)
{
    return (uint64_t)(uint32_t)_mm256_movemask_epi8(v) << shift;
}

__attribute__((target("avx2"))) static void
block_avx2(cm_bytescan *s, const unsigned char *p, unsigned n, const cm_bytemarks *marks, size_t k)
{
    const __m256i q = _mm256_set1_epi8((char)s->quote), d = _mm256_set1_epi8((char)s->delim);
    const __m256i lf = _mm256_set1_epi8('\n'), cr = _mm256_set1_epi8('\r');
    const __m256i sp = _mm256_set1_epi8(' '), tab = _mm256_set1_epi8('\t');
    const __m256i ctl = _mm256_set1_epi8(0x1f);
    masks m;
    memset(&m, 0, sizeof m);
    for (unsigned i = 0; i < 2; i++) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32 * i));
        __m256i is_lf = _mm256_cmpeq_epi8(v, lf), is_cr = _mm256_cmpeq_epi8(v, cr);
        /* Control bytes other than TAB, LF and CR (NUL among them). */
        __m256i is_nul = _mm256_andnot_si256(
            _mm256_or_si256(_mm256_or_si256(is_lf, is_cr), _mm256_cmpeq_epi8(v, tab)),
            _mm256_cmpeq_epi8(_mm256_min_epu8(v, ctl), v));
        m.quote |= bits32(_mm256_cmpeq_epi8(v, q), 32 * i);
        m.lf |= bits32(is_lf, 32 * i);
        m.edge |=
            bits32(_mm256_or_si256(_mm256_cmpeq_epi8(v, d), _mm256_or_si256(is_lf, is_cr)), 32 * i);
        m.space |=
            bits32(_mm256_or_si256(_mm256_cmpeq_epi8(v, sp), _mm256_cmpeq_epi8(v, tab)), 32 * i);
        m.high |= bits32(v, 32 * i);
        uint64_t rare = bits32(_mm256_or_si256(is_cr, is_nul), 32 * i);
        if (rare) {
            m.cr |= bits32(is_cr, 32 * i);
            m.nul |= bits32(is_nul, 32 * i);
        }
    }
    absorb(s, p, n, m, marks, k);
}

__attribute__((target("avx2"))) static void feed_avx2(cm_bytescan *scan, const unsigned char *p,
                                                      size_t len, const cm_bytemarks *marks)
{
    FEED(block_avx2);
}
#endif

static void feed(cm_bytescan *scan, const unsigned char *p, size_t len, const cm_bytemarks *marks)
{
#if defined(CM_BYTESCAN_AVX2)
    if (scan->wide) {
        feed_avx2(scan, p, len, marks);
        return;
    }
#endif
    feed_plain(scan, p, len, marks);
}

void cm_bytescan_feed(cm_bytescan *scan, const unsigned char *p, size_t len)
{
    feed(scan, p, len, NULL);
}

void cm_bytescan_mark(cm_bytescan *scan, const unsigned char *p, size_t len,
                      const cm_bytemarks *marks)
{
    feed(scan, p, len, marks);
}

bool cm_bytescan_finish(cm_bytescan *scan)
{
    if (scan->prev_space || scan->u8.need)
        scan->dirty = true;
    return !scan->dirty;
}
