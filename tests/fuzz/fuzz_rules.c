/* fuzz_rules.c - the rules parser. */
#include <stdint.h>

#include "citymig/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cm_diag diag;
    cm_rules rules;
    cm_diag_init(&diag, NULL, NULL, 0);
    if (cm_rules_parse((const char *)data, size, "r", &diag, &rules) == CM_OK)
        cm_rules_free(&rules);
    return 0;
}
