/*
 * keyindex.h - the key index of a table (keyindex.c), as table.c uses it.
 */
#ifndef CITYMIG_KEYINDEX_H
#define CITYMIG_KEYINDEX_H

#include "citymig/table.h"

/* Where a key not found would go, from cm_key_index_look to _put. */
typedef struct cm_key_place {
    size_t slot;
    uint64_t tag;
} cm_key_place;

/* An empty index for a new table. */
cm_status cm_key_index_init(cm_table *t);
void cm_key_index_free(cm_table *t);

/* The row holding the key of cells in *dup (SIZE_MAX: none, and place says
   where it goes). */
cm_status cm_key_index_look(cm_table *t, const cm_cell *cells, size_t *dup, cm_key_place *place);

/* Records row, just added (t->nrows counts it), at place. */
cm_status cm_key_index_put(cm_table *t, const cm_key_place *place, size_t row);

#endif
