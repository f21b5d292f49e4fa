// duckdb_flows.mjs - the DuckDB peer of citymig's benchmark over flows: the
// per-area sums the flow indicators start from, by year and kind (inflow to
// each destination, outflow from each origin, net = inflow - outflow; rows
// whose origin is their destination left out, as citymig leaves out
// stayers), from flows.csv to a CSV sorted by area, year and kind. Tuned as
// the pandas peer is: the columns and their types given, no sniffing.
//
//     node duckdb_flows.mjs NODE_DIR FLOWS.csv OUT.csv [THREADS]
//
// NODE_DIR is the folder @duckdb/node-api was installed into (npm install
// --prefix NODE_DIR @duckdb/node-api); THREADS is DuckDB's threads
// (default 2). The flows file has the benchmark's columns: year, origin,
// destination, kind, sex, count.
import { createRequire } from "node:module";
import { join } from "node:path";

const [nodeDir, flows, out, threads = "2"] = process.argv.slice(2);
if (!nodeDir || !flows || !out) {
    console.error("usage: node duckdb_flows.mjs NODE_DIR FLOWS.csv OUT.csv [THREADS]");
    process.exit(2);
}
const require = createRequire(join(nodeDir, "package.json"));
const { DuckDBInstance } = require("@duckdb/node-api");

const quote = (s) => "'" + s.replaceAll("'", "''") + "'";
const sql = `
COPY (
    WITH f AS (
        SELECT year, origin, destination, kind, count
        FROM read_csv(${quote(flows)}, header = true, auto_detect = false,
                      delim = ',', quote = '"', escape = '"',
                      columns = {'year': 'SMALLINT', 'origin': 'VARCHAR',
                                 'destination': 'VARCHAR', 'kind': 'VARCHAR',
                                 'sex': 'VARCHAR', 'count': 'BIGINT'})
        WHERE origin <> destination
    ),
    i AS (SELECT destination AS area_id, year, kind, sum(count) AS inflow
          FROM f GROUP BY ALL),
    o AS (SELECT origin AS area_id, year, kind, sum(count) AS outflow
          FROM f GROUP BY ALL)
    SELECT area_id, year, kind,
           coalesce(inflow, 0) AS inflow, coalesce(outflow, 0) AS outflow,
           coalesce(inflow, 0) - coalesce(outflow, 0) AS net
    FROM i FULL OUTER JOIN o USING (area_id, year, kind)
    ORDER BY area_id, year, kind
) TO ${quote(out)} (HEADER, DELIMITER ',')`;

const instance = await DuckDBInstance.create(":memory:", { threads });
const connection = await instance.connect();
await connection.run(sql);
connection.closeSync();
instance.closeSync();
