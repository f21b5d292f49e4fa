/*
 * test_csvread.c - the CSV layer: fields, positions, line ends, encodings,
 * caps and structural errors, table-driven. Every input is also fed split
 * in two at every byte, and must give the same result as fed whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "citymig/csvread.h"

/* What a reader delivered, as text: one line per record,
   "L:C=field L:C=field", then "! L:C message" for an error. */
typedef struct capture {
    char text[8192];
    size_t len;
    char record[2048]; /* fields of the record in progress */
    size_t record_len;
} capture;

static void put(capture *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(capture *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(c->text + c->len, sizeof c->text - c->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        c->len += (size_t)n;
    if (c->len >= sizeof c->text)
        c->len = sizeof c->text - 1;
}

static cm_status on_field(void *ctx, size_t index, const char *s, size_t len, const cm_csv_pos *pos)
{
    capture *c = ctx;
    /* Held until the record ends: a record cut short by an error may have
       delivered some fields, and only whole records count. */
    if (index == 0)
        c->record_len = 0;
    int n = snprintf(c->record + c->record_len, sizeof c->record - c->record_len, "%s%llu:%u=%.*s",
                     index ? " " : "", (unsigned long long)pos->line, pos->col, (int)len, s);
    if (n > 0 && (size_t)n < sizeof c->record - c->record_len)
        c->record_len += (size_t)n;
    return CM_OK;
}

static cm_status on_record(void *ctx, size_t nfields, const cm_csv_pos *start)
{
    capture *c = ctx;
    (void)start;
    put(c, "%.*s\n", nfields ? (int)c->record_len : 0, c->record);
    c->record_len = 0;
    return CM_OK;
}

static void on_diag(void *ctx, const cm_diag_msg *msg)
{
    capture *c = ctx;
    put(c, "! %llu:%u %s\n", (unsigned long long)msg->loc.line, msg->loc.col, msg->text);
}

/* Parses data fed in two pieces cut at `cut` (cut == len: whole). */
static cm_status run(const char *data, size_t len, size_t cut, const cm_csv_options *opts,
                     capture *out)
{
    cm_diag diag;
    cm_csv_handler h = {on_field, on_record, NULL};
    memset(out, 0, sizeof *out);
    cm_diag_init(&diag, on_diag, out, 0);
    cm_csv *csv = cm_csv_new(opts, &h, out, &diag, "t.csv");
    assert_non_null(csv);
    cm_status st = cm_csv_feed(csv, data, cut);
    if (st == CM_OK)
        st = cm_csv_feed(csv, data + cut, len - cut);
    if (st == CM_OK)
        st = cm_csv_finish(csv);
    cm_csv_free(csv);
    return st;
}

typedef struct csv_case {
    const char *name;
    const char *input;
    size_t len; /* 0: strlen(input) */
    cm_status status;
    const char *expected;
} csv_case;

#define BIN(s) s, sizeof(s) - 1

static const csv_case cases[] = {
    {"simple", "a,b\n1,2\n", 0, CM_OK, "1:1=a 1:3=b\n2:1=1 2:3=2\n"},
    {"no final newline", "a,b\n1,2", 0, CM_OK, "1:1=a 1:3=b\n2:1=1 2:3=2\n"},
    {"crlf", "a,b\r\n1,2\r\n", 0, CM_OK, "1:1=a 1:3=b\n2:1=1 2:3=2\n"},
    {"cr only", "a,b\r1,2\r", 0, CM_OK, "1:1=a 1:3=b\n2:1=1 2:3=2\n"},
    {"mixed line ends", "a\r\nb\rc\nd", 0, CM_OK, "1:1=a\n2:1=b\n3:1=c\n4:1=d\n"},
    {"blank lines skipped", "a\n\n\nb\n", 0, CM_OK, "1:1=a\n4:1=b\n"},
    {"bom skipped",
     "\xef\xbb\xbf"
     "a,b\n1,2\n",
     0, CM_OK, "1:1=a 1:3=b\n2:1=1 2:3=2\n"},
    {"empty fields", ",\n,,x\n", 0, CM_OK, "1:1= 1:2=\n2:1= 2:2= 2:3=x\n"},
    {"trailing delimiter", "a,\n", 0, CM_OK, "1:1=a 1:3=\n"},
    {"trailing delimiter at the end, no line end", "a,b\nc,", 0, CM_OK,
     "1:1=a 1:3=b\n2:1=c 2:3=\n"},
    {"only a delimiter, no line end", ",", 0, CM_OK, "1:1= 1:2=\n"},
    {"spaces kept", " a , b \n", 0, CM_OK, "1:1= a  1:5= b \n"},
    {"quoted", "\"a,b\",\"c\"\"d\"\n", 0, CM_OK, "1:1=a,b 1:7=c\"d\n"},
    {"quoted empty", "\"\",x\n", 0, CM_OK, "1:1= 1:4=x\n"},
    {"quoted newline counts lines", "\"a\nb\",c\nd,e\n", 0, CM_OK, "1:1=a\nb 2:4=c\n3:1=d 3:3=e\n"},
    {"quoted crlf is one line", "\"a\r\nb\",c\nd\n", 0, CM_OK, "1:1=a\r\nb 2:4=c\n3:1=d\n"},
    {"utf8 columns count characters", "\xc3\xa9t\xc3\xa9,x\n", 0, CM_OK,
     "1:1=\xc3\xa9t\xc3\xa9 1:5=x\n"},
    {"empty input", "", 0, CM_OK, ""},
    {"only a bom", "\xef\xbb\xbf", 0, CM_OK, ""},
    {"unterminated quote", "a\n\"bc\n", 0, CM_ERR_DATA,
     "1:1=a\n! 2:1 unterminated quoted field: the quote opened here is never closed\n"},
    {"quote in unquoted field", "a\nb\"c\n", 0, CM_ERR_DATA,
     "1:1=a\n! 2:2 quote inside an unquoted field (quote the whole field and double the quote, "
     "as in \"a \"\"b\"\"\")\n"},
    {"junk after closing quote", "a\n\"b\"c\n", 0, CM_ERR_DATA,
     "1:1=a\n! 2:4 'c' after a closing quote (expected a delimiter or a line end; a quote inside "
     "a quoted field must be doubled)\n"},
    {"space after closing quote", "\"b\" ,x\n", 0, CM_ERR_DATA,
     "! 1:4 ' ' after a closing quote (expected a delimiter or a line end; a quote inside a "
     "quoted field must be doubled)\n"},
    {"error late in a long record", "h1,h2,h3\nx,y,z\"w\n", 0, CM_ERR_DATA,
     "1:1=h1 1:4=h2 1:7=h3\n! 2:6 quote inside an unquoted field (quote the whole field and "
     "double the quote, as in \"a \"\"b\"\"\")\n"},
    {"nul byte", BIN("a,b\nc,\0\n"), CM_ERR_DATA,
     "1:1=a 1:3=b\n! 2:3 NUL byte in a text file (is it binary, or UTF-16?)\n"},
    {"invalid utf8 latin1", "a\nb\xe9t\n", 0, CM_ERR_DATA,
     "1:1=a\n! 2:2 invalid UTF-8 (byte 0xE9); the bytes look like a Latin code page (Windows-1252, "
     "which holds ISO-8859-1's letters); the file must be UTF-8: convert it first, for example "
     "with iconv -f WINDOWS-1252 -t UTF-8\n"},
    {"invalid utf8 windows-1252", "x\x80\n", 0, CM_ERR_DATA,
     "! 1:2 invalid UTF-8 (byte 0x80); the bytes look like Windows-1252, whose 0x80 to 0x9F are "
     "quotes, dashes and the euro sign; the file must be UTF-8: convert it first, for example with "
     "iconv -f WINDOWS-1252 -t UTF-8\n"},
    {"invalid utf8 east asian", "\xc7\xd1\n", 0, CM_ERR_DATA,
     "! 1:1 invalid UTF-8 (byte 0xC7); the bytes look like a two-byte East Asian code page (CP949 "
     "or EUC-KR, GBK, EUC-JP, Big5); the file must be UTF-8: convert it first, for example with "
     "iconv -f CP949 -t UTF-8, or the code page its publisher names\n"},
    {"overlong utf8", "\xc0\xaf\n", 0, CM_ERR_DATA,
     "! 1:1 invalid UTF-8 (byte 0xC0); the bytes look like a Latin code page (Windows-1252) or, in "
     "Korean, Chinese or Japanese text, a two-byte East Asian code page (CP949, GBK, EUC-JP, "
     "Big5); the file must be UTF-8: convert it first, for example with iconv -f WINDOWS-1252 -t "
     "UTF-8, or -f CP949 (or the code page its publisher names) for East Asian text\n"},
    {"a byte that cannot begin a character", "\xb8\xed\n", 0, CM_ERR_DATA,
     "! 1:1 invalid UTF-8 (byte 0xB8); the bytes look like a Latin code page (Windows-1252) or, in "
     "Korean, Chinese or Japanese text, a two-byte East Asian code page (CP949, GBK, EUC-JP, "
     "Big5); the file must be UTF-8: convert it first, for example with iconv -f WINDOWS-1252 -t "
     "UTF-8, or -f CP949 (or the code page its publisher names) for East Asian text\n"},
    {"surrogate utf8", "\xed\xa0\x80\n", 0, CM_ERR_DATA,
     "! 1:1 invalid UTF-8 (byte 0xED); the bytes look like a Latin code page (Windows-1252, which "
     "holds ISO-8859-1's letters); the file must be UTF-8: convert it first, for example with "
     "iconv -f WINDOWS-1252 -t UTF-8\n"},
    {"tab is text", "a\tb,c\n", 0, CM_OK, "1:1=a\tb 1:5=c\n"},
    /* Fields longer than a machine word: the scanner steps over plain runs
       eight bytes at a time, and must stop at each byte that matters. */
    {"long plain runs",
     "abcdefghijkl,mnopqrstuvwxyz0123\nABCDEFGHIJ\r\nx\tyz\x01"
     "abcdefgh\n",
     0, CM_OK,
     "1:1=abcdefghijkl 1:14=mnopqrstuvwxyz0123\n2:1=ABCDEFGHIJ\n3:1=x\tyz\x01"
     "abcdefgh\n"},
    {"long quoted runs", "\"abcdefghij,klmnop\"\"qrstuvw\nxyz\",1\nabcdefghi,\"\"\n", 0, CM_OK,
     "1:1=abcdefghij,klmnop\"qrstuvw\nxyz 2:6=1\n3:1=abcdefghi 3:11=\n"},
    {"utf8 after a long run", "abcdefghij\xc3\xa9klmnopqrs,x\n", 0, CM_OK,
     "1:1=abcdefghij\xc3\xa9klmnopqrs 1:22=x\n"},
    {"quote after a long run", "abcdefghijklmnop\"q\n", 0, CM_ERR_DATA,
     "! 1:17 quote inside an unquoted field (quote the whole field and double the quote, as in "
     "\"a \"\"b\"\"\")\n"},
    {"nul after a long run", BIN("abcdefghijklmnop\0\n"), CM_ERR_DATA,
     "! 1:17 NUL byte in a text file (is it binary, or UTF-16?)\n"},
    {"invalid utf8 after a long quoted run", "\"abcdefghijklmnop\xe9\"\n", 0, CM_ERR_DATA,
     "! 1:18 invalid UTF-8 (byte 0xE9); the bytes look like a Latin code page (Windows-1252, "
     "which holds ISO-8859-1's letters); the file must be UTF-8: convert it first, for example "
     "with iconv -f WINDOWS-1252 -t UTF-8\n"},
    {"truncated utf8 at end", "a\xc3", 0, CM_ERR_DATA,
     "! 1:2 invalid UTF-8 (a truncated character) at the end of the file\n"},
    {"utf16le bom",
     BIN("\xff\xfe"
         "a\0,\0b\0"),
     CM_ERR_DATA,
     "! 1:1 file is UTF-16 (little-endian); citymig reads UTF-8: convert it first, for example "
     "with iconv -f UTF-16 -t UTF-8\n"},
    {"utf16be bom", BIN("\xfe\xff\0a"), CM_ERR_DATA,
     "! 1:1 file is UTF-16 (big-endian); citymig reads UTF-8: convert it first, for example "
     "with iconv -f UTF-16 -t UTF-8\n"},
    {"utf16le no bom", BIN("a\0,\0"), CM_ERR_DATA,
     "! 1:1 file is UTF-16 (little-endian, no byte order mark); citymig reads UTF-8: convert it "
     "first, for example with iconv -f UTF-16 -t UTF-8\n"},
    {"utf32le bom", BIN("\xff\xfe\0\0a\0\0\0"), CM_ERR_DATA,
     "! 1:1 file is UTF-32 (little-endian); citymig reads UTF-8: convert it first, for example "
     "with iconv -f UTF-16 -t UTF-8\n"},
};

static void test_cases(void **state)
{
    (void)state;
    capture whole, split;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const csv_case *c = &cases[i];
        size_t len = c->len ? c->len : strlen(c->input);
        cm_status st = run(c->input, len, len, NULL, &whole);
        if (st != c->status || strcmp(whole.text, c->expected) != 0)
            print_error("case '%s':\nexpected status %d:\n%s\ngot status %d:\n%s\n", c->name,
                        c->status, c->expected, st, whole.text);
        assert_int_equal(st, c->status);
        assert_string_equal(whole.text, c->expected);
        /* The same input cut anywhere gives the same result. */
        for (size_t cut = 0; cut < len; cut++) {
            cm_status st2 = run(c->input, len, cut, NULL, &split);
            if (st2 != st || strcmp(split.text, whole.text) != 0)
                print_error("case '%s' cut at %zu:\n%s\n", c->name, cut, split.text);
            assert_int_equal(st2, st);
            assert_string_equal(split.text, whole.text);
        }
    }
}

static void test_delimiter_option(void **state)
{
    (void)state;
    capture out;
    cm_csv_options o = {.delimiter = ';'};
    assert_int_equal(run("a;b,c\n", 6, 6, &o, &out), CM_OK);
    assert_string_equal(out.text, "1:1=a 1:3=b,c\n");
}

static void test_field_cap(void **state)
{
    (void)state;
    capture out;
    cm_csv_options o = {.max_field = 4};
    assert_int_equal(run("abcd,x\n", 7, 7, &o, &out), CM_OK);
    assert_int_equal(run("ok\nabcde,x\n", 11, 11, &o, &out), CM_ERR_DATA);
    assert_string_equal(out.text, "1:1=ok\n! 2:1 field is longer than 4 bytes\n");
    assert_int_equal(run("\"abcdefgh", 9, 9, &o, &out), CM_ERR_DATA);
    assert_string_equal(out.text, "! 1:1 field is longer than 4 bytes (it starts with a quote: is "
                                  "that quote left unclosed?)\n");
    /* Past the cap inside a run of plain bytes longer than a word, cut
       anywhere. */
    static const char longer[] = "a,b\nx,abcdefghijklmnopqrstuvwxyz,c\n";
    cm_csv_options ten = {.max_field = 10};
    for (size_t cut = 0; cut <= sizeof longer - 1; cut++) {
        assert_int_equal(run(longer, sizeof longer - 1, cut, &ten, &out), CM_ERR_DATA);
        assert_string_equal(out.text, "1:1=a 1:3=b\n! 2:3 field is longer than 10 bytes\n");
    }
    assert_int_equal(run("\"abcdefghijklmnopqrstuvwxyz\"\n", 29, 29, &ten, &out), CM_ERR_DATA);
    assert_string_equal(out.text, "! 1:1 field is longer than 10 bytes (it starts with a quote: "
                                  "is that quote left unclosed?)\n");
    assert_int_equal(run("abcdefghij,\"abcdefghij\"\n", 24, 24, &ten, &out), CM_OK);
}

static void test_field_count_cap(void **state)
{
    (void)state;
    capture out;
    cm_csv_options o = {.max_fields = 3};
    assert_int_equal(run("a,b,c\n", 6, 6, &o, &out), CM_OK);
    assert_int_equal(run("a,b,c,d\n", 8, 8, &o, &out), CM_ERR_DATA);
    assert_string_equal(out.text, "! 1:7 record has more than 3 fields\n");
}

static void test_invalid_options(void **state)
{
    (void)state;
    cm_diag diag;
    cm_csv_handler h = {on_field, on_record, NULL};
    cm_csv_options same = {.delimiter = '"'};
    cm_csv_options newline = {.delimiter = '\n'};
    cm_diag_init(&diag, NULL, NULL, 0);
    assert_null(cm_csv_new(&same, &h, NULL, &diag, "t"));
    assert_null(cm_csv_new(&newline, &h, NULL, &diag, "t"));
}

static cm_status stop_at_second(void *ctx, size_t nfields, const cm_csv_pos *start)
{
    int *records = ctx;
    (void)nfields;
    (void)start;
    return ++*records == 2 ? CM_ERR_DATA : CM_OK;
}

static cm_status ignore_field(void *ctx, size_t i, const char *s, size_t n, const cm_csv_pos *p)
{
    (void)ctx, (void)i, (void)s, (void)n, (void)p;
    return CM_OK;
}

static void test_handler_stops(void **state)
{
    (void)state;
    int records = 0;
    cm_diag diag;
    cm_csv_handler h = {ignore_field, stop_at_second, NULL};
    cm_diag_init(&diag, NULL, NULL, 0);
    cm_csv *csv = cm_csv_new(NULL, &h, &records, &diag, "t");
    assert_int_equal(cm_csv_feed(csv, "a\nb\nc\nd\n", 8), CM_ERR_DATA);
    assert_int_equal(records, 2);
    /* Sticky: later calls return the same status and deliver nothing. */
    assert_int_equal(cm_csv_feed(csv, "e\n", 2), CM_ERR_DATA);
    assert_int_equal(cm_csv_finish(csv), CM_ERR_DATA);
    assert_int_equal(records, 2);
    cm_csv_free(csv);
}

static void test_stats(void **state)
{
    (void)state;
    cm_diag diag;
    capture out = {0};
    cm_csv_handler h = {on_field, on_record, NULL};
    cm_diag_init(&diag, NULL, NULL, 0);
    cm_csv *csv = cm_csv_new(NULL, &h, &out, &diag, "t");
    assert_int_equal(cm_csv_feed(csv, "\xef\xbb\xbfh\n1\n\n2", 9), CM_OK);
    assert_int_equal(cm_csv_finish(csv), CM_OK);
    cm_csv_stats s = cm_csv_get_stats(csv);
    assert_int_equal(s.bytes, 9);
    assert_int_equal(s.lines, 4);
    assert_int_equal(s.records, 3);
    assert_int_equal(s.bom, 1);
    cm_csv_free(csv);
}

static const char *names_abc(void *ctx, size_t index)
{
    static const char *const names[] = {"a", "b", "c"};
    (void)ctx;
    return index < 3 ? names[index] : NULL;
}

/* A structural error names its column when the handler knows it. */
static void test_field_name_in_errors(void **state)
{
    (void)state;
    capture out;
    cm_diag diag;
    cm_csv_handler h = {on_field, on_record, names_abc};
    static const struct {
        const char *input;
        const char *expected;
    } named[] = {
        {"1,2,x\"y\n", "! 1:6 column 'c': quote inside an unquoted field"},
        {"1,\"2\n", "! 1:3 column 'b': unterminated quoted field"},
        {"x\x80,2\n", "! 1:2 column 'a': invalid UTF-8"},
        /* A bad byte that begins a field is in that field. */
        {"1,\x80\n", "! 1:3 column 'b': invalid UTF-8"},
        {"1,2,\xff,4\n", "! 1:5 column 'c': invalid UTF-8"},
        {"1,2,3,4\"\n", "! 1:8 quote inside an unquoted field"},
    };
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        memset(&out, 0, sizeof out);
        cm_diag_init(&diag, on_diag, &out, 0);
        cm_csv *csv = cm_csv_new(NULL, &h, &out, &diag, "t.csv");
        cm_status st = cm_csv_feed(csv, named[i].input, strlen(named[i].input));
        if (st == CM_OK)
            st = cm_csv_finish(csv);
        cm_csv_free(csv);
        assert_int_equal(st, CM_ERR_DATA);
        if (strncmp(out.text, named[i].expected, strlen(named[i].expected)) != 0)
            print_error("input %zu: got %s\n", i, out.text);
        assert_int_equal(strncmp(out.text, named[i].expected, strlen(named[i].expected)), 0);
    }
}

/* Text every output can hold: UTF-8, and no character XML 1.0 forbids. */
static void test_text_check(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        bool utf8_only;
        size_t col; /* 0: accepted */
        const char *why;
    } texts[] = {
        {"plain \t tab, CR \r LF \n", false, 0, ""},
        {"\xc3\xa9t\xc3\xa9 \xef\xbf\xbd \xef\xbb\xbf \xf0\x9f\x98\x80", false, 0, ""},
        {"ab\x01", false, 3, "control character U+0001"},
        {"\xc3\xa9\x1b[2J", false, 2, "control character U+001B"},
        {"x\xef\xbf\xbe", false, 2, "the noncharacter U+FFFE"},
        {"\xef\xbf\xbf", false, 1, "the noncharacter U+FFFF"},
        {"caf\xe9", false, 4, "invalid UTF-8 (byte 0xE9)"},
        {"caf\xc3", false, 4, "invalid UTF-8 (byte 0xC3)"},
        {"\xed\xa0\x80", false, 1, "invalid UTF-8 (byte 0xED)"},
        {"in\x01\xef\xbf\xbe", true, 0, ""},
        {"in\x01\xff", true, 4, "invalid UTF-8 (byte 0xFF)"},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        size_t col = 0;
        char why[160] = "";
        bool ok = cm_text_check(texts[i].s, strlen(texts[i].s), texts[i].utf8_only, &col, why,
                                sizeof why);
        if (ok != (texts[i].col == 0) || col != texts[i].col || strcmp(why, texts[i].why) != 0)
            print_error("case %zu: %d at %zu: %s\n", i, ok, col, why);
        assert_int_equal(ok, texts[i].col == 0);
        assert_int_equal(col, texts[i].col);
        assert_string_equal(why, texts[i].why);
    }
}

/* Only regular files are opened: a pipe is refused at once, not waited
   on; so are a directory and a device. */
static void test_input_open(void **state)
{
    (void)state;
    char dir[256], path[300];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/cm-open-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
    static const struct {
        const char *name;
        const char *expected;
    } kinds[] = {
        {"pipe", "! 0:0 cannot read rules: it is a named pipe (FIFO); expected a regular file "
                 "(save what it gives to a file, and name that file)\n"},
        {"dir", "! 0:0 cannot read rules: it is a directory; expected a regular file\n"},
        {"null", "! 0:0 cannot read rules: it is a character device; expected a regular file "
                 "(save what it gives to a file, and name that file)\n"},
        {"file", ""},
        {"none", NULL}, /* the system's words for ENOENT, in the locale's language */
    };
    char none[160];
    snprintf(none, sizeof none, "! 0:0 cannot open rules: %s\n", strerror(ENOENT));
    snprintf(path, sizeof path, "%s/pipe", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    snprintf(path, sizeof path, "%s/dir", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/null", dir);
    assert_int_equal(symlink("/dev/null", path), 0);
    snprintf(path, sizeof path, "%s/file", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fclose(f), 0);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        capture out;
        cm_diag diag;
        memset(&out, 0, sizeof out);
        cm_diag_init(&diag, on_diag, &out, 0);
        snprintf(path, sizeof path, "%s/%s", dir, kinds[i].name);
        int fd = cm_input_open(path, "r.csv", "rules", &diag);
        const char *expected = kinds[i].expected ? kinds[i].expected : none;
        assert_string_equal(out.text, expected);
        assert_int_equal(fd >= 0, !*expected);
        if (fd >= 0) {
            /* Blocking again once judged. */
            assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
            close(fd);
        }
        if (strcmp(kinds[i].name, "dir") == 0)
            rmdir(path);
        else
            unlink(path);
    }
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    /* The library must not depend on the locale: the suite also runs under
       LC_ALL=de_DE.UTF-8 (decimal comma). */
    setlocale(LC_ALL, "");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),           cmocka_unit_test(test_delimiter_option),
        cmocka_unit_test(test_field_cap),       cmocka_unit_test(test_field_count_cap),
        cmocka_unit_test(test_invalid_options), cmocka_unit_test(test_handler_stops),
        cmocka_unit_test(test_stats),           cmocka_unit_test(test_field_name_in_errors),
        cmocka_unit_test(test_text_check),      cmocka_unit_test(test_input_open),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
