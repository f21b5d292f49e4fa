/*
 * draft.c - a manifest drafted from downloads as published (draft.h):
 * cm_draft_write runs the steps, which are files of their own (internal.h
 * lists them), and owns the memory of every file drafted.
 *
 * Each download is read in four steps:
 *
 *   sample   its first 8 MiB: the encoding (encguess.h), then the text
 *            converted to UTF-8 with iconv (sniff.c);
 *   records  the delimiter that gives the same number of fields on most
 *            lines; the records under it (grid.c); the header, past title
 *            and note lines; notes at the end; a Eurostat bulk TSV's first
 *            column split into its dimensions, as the loader's preset does
 *            (sniff.c);
 *   columns  what each column's cells are (counts, decimals, percents,
 *            years, periods, codes, names), and the missing tokens,
 *            thousands separators and decimal marks among them (cells.c);
 *   guesses  the table, from the columns' names; the source of each
 *            canonical column, by the words of the names (names.c) and by
 *            the values (a count column holds counts, an id is unique in
 *            its year) (columns.c).
 *
 * Within a file, the ids and the year are guessed first, and with them the
 * dimensions (sex, age, a series) are filtered to one value each until no
 * key repeats (filters.c); the columns are then profiled again over the
 * rows kept, and the other canonical columns matched on what those rows
 * hold.
 *
 * Then the files are judged together (across.c): the areas' ids are those
 * that the flows and stocks name, with a filter when they are a part of
 * the file; a file whose areas and years are another's joins it; the
 * internal flows between a closed set of places are its zones. Each guess
 * is checked the way the loader will check it (a count column holds
 * counts, a key is not given twice, foreign-born are at most the
 * population), so that the draft validates; what cannot be told is left
 * as a comment.
 *
 * The manifest is written last, one section a file (write.c), and every
 * guess is said, with its reason, one line each on the why stream.
 */
#include <stdio.h>
#include <stdlib.h>

#include "citymig/csvread.h"
#include "citymig/draft.h"
#include "citymig/strpool.h"
#include "internal.h"

static void free_file(dfile *f)
{
    free(f->rel);
    free(f->raw);
    free(f->utf8);
    dr_grid_free(&f->g);
    for (size_t c = 0; c < f->ncols; c++) {
        cm_strpool_free(f->cols[c].values);
        free(f->cols[c].counts);
    }
    free(f->cols);
    for (size_t c = 0; c < CM_TABLE_MAX_COLS; c++) {
        free(f->map[c].constant);
        free(f->map[c].map);
        free(f->map[c].note);
    }
    for (size_t k = 0; k < f->nfilters; k++) {
        free(f->filters[k].values);
        for (size_t i = 0; i < f->filters[k].nitems; i++)
            free(f->filters[k].items[i]);
        free(f->filters[k].items);
        free(f->filters[k].note);
    }
    for (size_t k = 0; k < f->nzones; k++)
        free(f->zones[k]);
    free(f->zones);
    free(f->title);
    free(f->asks.s);
    free(f->why.s);
}

/* One file: its records (sniff.c), its columns (cells.c), the guesses of
   its table and columns (columns.c, filters.c), and its path. */
static cm_status analyze_file(dfile *f, const cm_draft_options *opts, cm_diag *diag)
{
    if (!cm_input_path_ok(f->path, "download",
                          "rename it, as its path is written into the "
                          "manifest",
                          diag)) {
        f->failed = true;
        return CM_ERR_NOINPUT;
    }
    cm_status st = dr_sniff(f, diag);
    if (st != CM_OK)
        return st;
    if ((st = dr_make_columns(f)) != CM_OK)
        return st;
    if (f->data_to == f->data_from)
        dr_ask(f, "the file has no data rows below its header");
    dr_guess_table(f);
    if ((st = dr_guess_columns(f)) != CM_OK)
        return st;
    dr_guess_kind(f);
    dr_guess_notes(f);
    f->rel = dr_relative_to(opts->manifest_dir ? opts->manifest_dir : "", f->path, &f->outside);
    if (!f->rel)
        return CM_ERR_NOMEM;
    if (f->outside)
        dr_why_line(f,
                    "file = %s: not in the manifest's folder (the loader refuses it unless run "
                    "with --allow-outside-files)",
                    f->rel);
    return CM_OK;
}

cm_status cm_draft_write(const cm_draft_options *opts, FILE *out, FILE *why, cm_diag *diag)
{
    if (!opts || !out || !diag || (opts->nfiles && !opts->files))
        return CM_ERR_INTERNAL;
    dfile *files = calloc(opts->nfiles ? opts->nfiles : 1, sizeof *files);
    if (!files)
        return CM_ERR_NOMEM;
    cm_status st = CM_OK;
    for (size_t i = 0; i < opts->nfiles && st != CM_ERR_NOMEM; i++) {
        files[i].path = opts->files[i];
        files[i].unpivot_col = SIZE_MAX;
        st = cm_status_worse(st, analyze_file(&files[i], opts, diag));
    }
    text manifest = {0};
    if (st != CM_ERR_NOMEM) {
        /* Across files: the areas' ids, the rows the loader would refuse,
           joins, zones. */
        cm_strpool *places = cm_strpool_new();
        if (!places || dr_collect_places(files, opts->nfiles, places) != CM_OK)
            st = CM_ERR_NOMEM;
        for (size_t i = 0; i < opts->nfiles && st != CM_ERR_NOMEM; i++)
            if (!files[i].failed) {
                dr_ids_from_places(&files[i], places);
                dr_filter_required(&files[i]);
            }
        cm_strpool_free(places);
        dr_name_sections(files, opts->nfiles);
        if (st != CM_ERR_NOMEM)
            st = cm_status_worse(st, dr_join_overlaps(files, opts->nfiles));
        for (size_t i = 0; i < opts->nfiles && st != CM_ERR_NOMEM; i++)
            if (!files[i].failed) {
                dr_population_fallback(files, opts->nfiles, &files[i]);
                st = cm_status_worse(st, dr_check_parts(files, opts->nfiles, &files[i]));
                if (files[i].table == CM_TABLE_FLOWS)
                    dr_guess_zones(&files[i]);
                dr_guess_missing(&files[i]);
                dr_guess_trim(&files[i]);
            }
        dr_write_manifest(files, opts->nfiles, &manifest);
        if (manifest.nomem)
            st = CM_ERR_NOMEM;
    }
    if (st != CM_ERR_NOMEM) {
        if (why)
            for (size_t i = 0; i < opts->nfiles; i++)
                fputs(dr_text_str(&files[i].why), why);
        if (fputs(dr_text_str(&manifest), out) == EOF || ferror(out))
            st = cm_status_worse(st, CM_ERR_IO);
    }
    free(manifest.s);
    for (size_t i = 0; i < opts->nfiles; i++)
        free_file(&files[i]);
    free(files);
    return st;
}
