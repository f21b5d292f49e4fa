"""The layout of a citymig workbook's tables that the checks share
(docs/report.md): the key columns a table may have, first (a key column
with nothing in it is left out), and those it must have; the indicators
whose rows are per partner."""

KEYS = {
    "Areas": ["area_id", "name", "level", "parent_id", "year", "base_year", "population"],
    "Segregation": ["area_id", "name", "year"],
    "Across areas": ["area_id", "name", "year"],
    "Flows": ["area_id", "name", "year", "kind"],
    "Ages": ["area_id", "name", "year", "kind", "age"],
    "Diversity": ["area_id", "name", "year", "top_origin"],
    "Services": ["area_id", "name", "year", "service"],
    "Partners": ["area_id", "name", "year", "kind", "partner"],
}
REQUIRED_KEYS = {
    "Areas": ["area_id", "name", "year"],
    "Segregation": ["area_id", "name", "year"],
    "Across areas": ["area_id", "name", "year"],
    "Flows": ["area_id", "name", "year", "kind"],
    "Ages": ["area_id", "name", "year", "age"],  # the stocks' rows have no kind
    "Diversity": ["area_id", "name", "year"],
    "Services": ["area_id", "name", "year", "service"],
    "Partners": ["area_id", "name", "year", "kind", "partner"],
}
# The indicators of the Partners sheet: one row per partner, which is the
# long table's origin.
PARTNERS = ("origin_flow_share", "destination_flow_share", "net_exchange")
