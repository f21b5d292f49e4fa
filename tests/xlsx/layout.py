"""The layout of a citymig workbook's tables that the checks share
(docs/report.md): the key columns a table may have, first (a key column
with nothing in it is left out), and those it must have."""

KEYS = {
    "Areas": ["area_id", "name", "level", "parent_id", "year", "base_year", "population"],
    "Segregation": ["area_id", "name", "year"],
    "Flows": ["area_id", "name", "year", "kind"],
    "Ages": ["area_id", "name", "year", "kind", "age"],
    "Diversity": ["area_id", "name", "year", "top_origin"],
    "Services": ["area_id", "name", "year", "service"],
}
REQUIRED_KEYS = {
    "Areas": ["area_id", "name", "year"],
    "Segregation": ["area_id", "name", "year"],
    "Flows": ["area_id", "name", "year", "kind"],
    "Ages": ["area_id", "name", "year", "kind", "age"],
    "Diversity": ["area_id", "name", "year"],
    "Services": ["area_id", "name", "year", "service"],
}
