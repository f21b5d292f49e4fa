/*
 * test_cli.c - every option is documented: it has help, and appears in
 * --help, in the man page generated from it, and in the bash completion.
 * Also the command line's parsing of values.
 */
#define _GNU_SOURCE /* open_memstream is POSIX 2008; this keeps it declared */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "citymig/cli.h"

#ifndef CITYMIG_MANPAGE
#error "CITYMIG_MANPAGE must name the generated man page"
#endif

/* Runs the CLI; returns its exit code, with stdout and stderr captured. */
static int run(char *out, size_t out_size, char *err, size_t err_size, int argc, char **argv)
{
    char *obuf = NULL, *ebuf = NULL;
    size_t olen = 0, elen = 0;
    FILE *o = open_memstream(&obuf, &olen), *e = open_memstream(&ebuf, &elen);
    int code = cm_cli_main(argc, argv, o, e);
    fclose(o);
    fclose(e);
    snprintf(out, out_size, "%s", obuf ? obuf : "");
    snprintf(err, err_size, "%s", ebuf ? ebuf : "");
    free(obuf);
    free(ebuf);
    return code;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void test_every_option_documented(void **state)
{
    (void)state;
    size_t n;
    const cm_cli_option *opts = cm_cli_options(&n);
    static char help[16384], err[1024], completion[8192];
    char *argv_help[] = {"citymig", "--help"};
    char *argv_comp[] = {"citymig", "completion", "bash"};
    assert_int_equal(run(help, sizeof help, err, sizeof err, 2, argv_help), 0);
    assert_int_equal(run(completion, sizeof completion, err, sizeof err, 3, argv_comp), 0);
    const char *man = read_file(CITYMIG_MANPAGE);
    assert_non_null(man);
    assert_true(n >= 10);
    for (size_t i = 0; i < n; i++) {
        char in_help[64], in_man[80], in_completion[64];
        assert_true(opts[i].help && strlen(opts[i].help) > 10);
        snprintf(in_help, sizeof in_help, "--%s", opts[i].long_name);
        /* The man page escapes each dash. */
        size_t o = 0;
        in_man[o++] = '\\';
        in_man[o++] = '-';
        in_man[o++] = '\\';
        in_man[o++] = '-';
        for (const char *p = opts[i].long_name; *p && o + 3 < sizeof in_man; p++) {
            if (*p == '-')
                in_man[o++] = '\\';
            in_man[o++] = *p;
        }
        in_man[o] = '\0';
        snprintf(in_completion, sizeof in_completion, "--%s", opts[i].long_name);
        if (!strstr(help, in_help) || !strstr(man, in_man) || !strstr(completion, in_completion))
            print_error("option %s: help %d, man page %d, completion %d\n", in_help,
                        !!strstr(help, in_help), !!strstr(man, in_man),
                        !!strstr(completion, in_completion));
        assert_non_null(strstr(help, in_help));
        assert_non_null(strstr(man, in_man));
        assert_non_null(strstr(completion, in_completion));
    }
    /* The environment and every exit code are documented too. */
    static const char *const documented[] = {
        "SOURCE_DATE_EPOCH", "NO_COLOR", "65", "66", "70", "73", "74"};
    for (size_t i = 0; i < sizeof documented / sizeof documented[0]; i++) {
        assert_non_null(strstr(help, documented[i]));
        assert_non_null(strstr(man, documented[i]));
    }
}

static void test_option_values(void **state)
{
    (void)state;
    static char out[4096], err[4096];
    struct {
        int argc;
        char *argv[4];
        int code;
        const char *err;
    } cases[] = {
        {2, {"citymig", "--frobnicate"}, 2, "unknown option '--frobnicate'"},
        {3, {"citymig", "validate", "--year"}, 2, "option '--year' needs Y[-Y2]"},
        {3, {"citymig", "validate", "--quiet=yes"}, 2, "option '--quiet' takes no value"},
        {3, {"citymig", "indicators", "--format=xml"}, 2, "'xml' is not csv or json"},
        {3, {"citymig", "completion", "zsh"}, 2, "completion needs a shell: bash"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int code = run(out, sizeof out, err, sizeof err, cases[i].argc, cases[i].argv);
        if (!strstr(err, cases[i].err))
            print_error("case %zu: %s\n", i, err);
        assert_int_equal(code, cases[i].code);
        assert_non_null(strstr(err, cases[i].err));
    }
}

int main(void)
{
    /* The library must not depend on the locale: the suite also runs under
       LC_ALL=de_DE.UTF-8 (decimal comma). */
    setlocale(LC_ALL, "");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_option_documented),
        cmocka_unit_test(test_option_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
