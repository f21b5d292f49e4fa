/*
 * xlsx_verify.c - the workbook read back before it replaces anything: the
 * zip's every part read whole (each CRC checked), every XML part ending
 * with its root's end tag and parsed with expat (well-formed, nothing XML
 * 1.0 forbids), and each worksheet's cells counted against those written.
 * libxlsxwriter does not check its writes to its temporary files: this is
 * what catches a sheet cut short by a full disk or a file size limit.
 */
#define _GNU_SOURCE /* memmem */
#include "citymig/xlsx.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <expat.h>
#include <unzip.h>

/* The root element's name of an XML part, from its first bytes. */
static bool xml_root(const char *head, size_t n, char *root, size_t size)
{
    const char *p = head, *end = head + n;
    for (;;) {
        p = memchr(p, '<', (size_t)(end - p));
        if (!p || p + 1 >= end)
            return false;
        if (p[1] != '?' && p[1] != '!')
            break;
        p++;
    }
    p++;
    size_t k = 0;
    while (p < end && *p != ' ' && *p != '>' && *p != '/' && *p != '\r' && *p != '\n' &&
           k + 1 < size)
        root[k++] = *p++;
    root[k] = '\0';
    return k > 0 && p < end;
}

/* Does an XML part end with the end tag of its root? */
static bool xml_whole(const char *root, const char *tail, size_t n)
{
    while (n > 0 && (tail[n - 1] == '\n' || tail[n - 1] == '\r' || tail[n - 1] == ' '))
        n--;
    char end_tag[80];
    int len = snprintf(end_tag, sizeof end_tag, "</%s>", root);
    return len > 0 && (size_t)len <= n && memcmp(tail + n - (size_t)len, end_tag, (size_t)len) == 0;
}

int cm_xlsx_verify(const char *path, char *why, size_t why_size)
{
    return cm_xlsx_verify_cells(path, NULL, 0, why, why_size);
}

/* One part of the archive to check, and what was found. */
typedef struct part_check {
    char name[256];
    uint64_t size; /* uncompressed, to share the work out */
    int worker;
    bool ok;
    bool malformed; /* read whole, but not well-formed XML */
    char why[320];
} part_check;

typedef struct verify_job {
    const char *path;
    const uint64_t *cells;
    size_t nsheets;
    part_check *parts;
    size_t nparts;
    int worker;
    pthread_t thread;
} verify_job;

/* Reads the current part of zf whole and checks it (see below). */
static bool check_part(unzFile zf, char *buf, part_check *pc, const uint64_t *cells, size_t nsheets)
{
    const char *name = pc->name;
    size_t len = strlen(name);
    bool is_xml = (len > 4 && strcmp(name + len - 4, ".xml") == 0) ||
                  (len > 5 && strcmp(name + len - 5, ".rels") == 0);
    /* Every XML part is parsed whole (expat): well-formed, and holding no
       character XML forbids, whatever wrote it. */
    XML_Parser xp = is_xml ? XML_ParserCreate(NULL) : NULL;
    if (is_xml && !xp) {
        snprintf(pc->why, sizeof pc->why, "out of memory");
        return false;
    }
    bool parsed = true;
    char xml_error[200] = "";
    if (unzOpenCurrentFile(zf) != UNZ_OK) {
        snprintf(pc->why, sizeof pc->why, "part %s cannot be read", name);
        if (xp)
            XML_ParserFree(xp);
        return false;
    }
    /* Read it all (the CRC is checked at the close), keeping its first and
       last bytes: a part cut short and zipped whole has a good CRC, so an
       XML part must also end with its root's end tag. */
    char head[512], tail[128];
    size_t head_n = 0, tail_n = 0;
    /* A worksheet's cells, counted across reads ("<c r=" may straddle). */
    size_t sheet_no = 0;
    if (sscanf(name, "xl/worksheets/sheet%zu.xml", &sheet_no) != 1)
        sheet_no = 0;
    uint64_t found = 0;
    char carry[8] = "";
    int n;
    while ((n = unzReadCurrentFile(zf, buf, 64 * 1024)) > 0) {
        size_t got = (size_t)n;
        if (xp && parsed && XML_Parse(xp, buf, n, 0) == XML_STATUS_ERROR)
            parsed = false;
        if (sheet_no) {
            char joint[16];
            size_t cl = strlen(carry), take = got < 4 ? got : 4;
            memcpy(joint, carry, cl);
            memcpy(joint + cl, buf, take);
            joint[cl + take] = '\0';
            for (const char *p = joint; (p = strstr(p, "<c r=")) != NULL; p++)
                found += (size_t)(p - joint) < cl; /* begins in the carry */
            for (const char *p = buf; (p = memmem(p, got - (size_t)(p - buf), "<c r=", 5)); p++)
                found++;
            size_t keep = got < 4 ? got : 4;
            memcpy(carry, buf + got - keep, keep);
            carry[keep] = '\0';
        }
        if (head_n < sizeof head) {
            size_t k = got < sizeof head - head_n ? got : sizeof head - head_n;
            memcpy(head + head_n, buf, k);
            head_n += k;
        }
        if (got >= sizeof tail) {
            memcpy(tail, buf + got - sizeof tail, sizeof tail);
            tail_n = sizeof tail;
        } else {
            size_t keep = tail_n + got > sizeof tail ? sizeof tail - got : tail_n;
            memmove(tail, tail + tail_n - keep, keep);
            memcpy(tail + keep, buf, got);
            tail_n = keep + got;
        }
    }
    int closed = unzCloseCurrentFile(zf);
    if (xp && parsed && XML_Parse(xp, buf, 0, 1) == XML_STATUS_ERROR)
        parsed = false;
    if (xp && !parsed)
        snprintf(xml_error, sizeof xml_error, "line %lu, column %lu: %s",
                 (unsigned long)XML_GetCurrentLineNumber(xp),
                 (unsigned long)XML_GetCurrentColumnNumber(xp) + 1,
                 XML_ErrorString(XML_GetErrorCode(xp)));
    bool no_memory = xp && !parsed && XML_GetErrorCode(xp) == XML_ERROR_NO_MEMORY;
    if (xp)
        XML_ParserFree(xp);
    if (n < 0 || closed != UNZ_OK) {
        snprintf(pc->why, sizeof pc->why, "part %s is damaged (%s)", name,
                 closed == UNZ_CRCERROR ? "CRC mismatch" : "truncated");
        return false;
    }
    char root[64];
    if (is_xml && (!xml_root(head, head_n, root, sizeof root) || !xml_whole(root, tail, tail_n))) {
        snprintf(pc->why, sizeof pc->why, "part %s is cut short", name);
        return false;
    }
    if (no_memory) {
        snprintf(pc->why, sizeof pc->why, "out of memory");
        return false;
    }
    if (!parsed) {
        /* Whole, but not XML: a fault of the writer, never of the disk. */
        snprintf(pc->why, sizeof pc->why, "part %.96s is not well-formed XML at %.150s", name,
                 xml_error);
        pc->malformed = true;
        return false;
    }
    if (cells && sheet_no && sheet_no < nsheets && found != cells[sheet_no]) {
        snprintf(pc->why, sizeof pc->why, "%s holds %" PRIu64 " cells of the %" PRIu64 " written",
                 name, found, cells[sheet_no]);
        return false;
    }
    return true;
}

/* Checks the parts given to one worker, through its own handle. */
static void *verify_parts(void *arg)
{
    verify_job *v = arg;
    unzFile zf = unzOpen(v->path);
    char *buf = malloc(64 * 1024);
    for (size_t i = 0; i < v->nparts; i++) {
        part_check *pc = &v->parts[i];
        if (pc->worker != v->worker)
            continue;
        if (!zf || !buf)
            snprintf(pc->why, sizeof pc->why, !buf ? "out of memory" : "the file cannot be read");
        else if (unzLocateFile(zf, pc->name, 1) != UNZ_OK)
            snprintf(pc->why, sizeof pc->why, "part %s cannot be found", pc->name);
        else
            pc->ok = check_part(zf, buf, pc, v->cells, v->nsheets);
    }
    free(buf);
    if (zf)
        unzClose(zf);
    return NULL;
}

/*
 * Every part is read back whole; the big ones are shared out over two
 * threads, each with its own handle on the archive, and the first problem
 * in archive order is the one told.
 */
int cm_xlsx_verify_cells(const char *path, const uint64_t *cells, size_t nsheets, char *why,
                         size_t why_size)
{
    unzFile zf = unzOpen(path);
    if (!zf) {
        snprintf(why, why_size, "the file is not a whole zip archive");
        return -1;
    }
    part_check *parts = NULL;
    size_t nparts = 0, cap = 0;
    bool workbook = false, types = false;
    int rc = unzGoToFirstFile(zf);
    for (; rc == UNZ_OK; rc = unzGoToNextFile(zf)) {
        if (nparts == cap) {
            cap = cap ? cap * 2 : 32;
            part_check *grown = realloc(parts, cap * sizeof *grown);
            if (!grown) {
                free(parts);
                unzClose(zf);
                snprintf(why, why_size, "out of memory");
                return -1;
            }
            parts = grown;
        }
        part_check *pc = &parts[nparts];
        memset(pc, 0, sizeof *pc);
        unz_file_info fi;
        if (unzGetCurrentFileInfo(zf, &fi, pc->name, sizeof pc->name, NULL, 0, NULL, 0) != UNZ_OK) {
            free(parts);
            unzClose(zf);
            snprintf(why, why_size, "part %zu cannot be read", nparts + 1);
            return -1;
        }
        pc->size = fi.uncompressed_size;
        workbook |= strcmp(pc->name, "xl/workbook.xml") == 0;
        types |= strcmp(pc->name, "[Content_Types].xml") == 0;
        nparts++;
    }
    unzClose(zf);
    if (rc != UNZ_END_OF_LIST_OF_FILE || !workbook || !types) {
        free(parts);
        snprintf(why, why_size, "the archive is incomplete");
        return -1;
    }
    /* Each part, in archive order, to the worker with less to read so far:
       the few large sheets end up on both. */
    uint64_t load[2] = {0, 0};
    for (size_t i = 0; i < nparts; i++) {
        parts[i].worker = load[1] < load[0];
        load[parts[i].worker] += parts[i].size;
    }
    verify_job jobs[2];
    for (int w = 0; w < 2; w++)
        jobs[w] = (verify_job){path, cells, nsheets, parts, nparts, w, 0};
    bool started = pthread_create(&jobs[1].thread, NULL, verify_parts, &jobs[1]) == 0;
    verify_parts(&jobs[0]);
    if (started)
        pthread_join(jobs[1].thread, NULL);
    else
        verify_parts(&jobs[1]);
    int result = 0;
    for (size_t i = 0; i < nparts; i++) {
        if (!parts[i].ok) {
            snprintf(why, why_size, "%s", parts[i].why);
            result = parts[i].malformed ? -2 : -1;
            break;
        }
    }
    free(parts);
    return result;
}
