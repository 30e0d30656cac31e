// Reads a Parquet file with DuckDB, independently of the library that
// wrote it, and prints its row count and columns as JSON. The Go tests run
// it (CI installs @duckdb/node-api into .ci/node_modules).
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2].replace(/'/g, "''");
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const count = await con.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${file}')`);
const cols = await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
const first = await con.runAndReadAll(`SELECT * FROM read_parquet('${file}') LIMIT 1`);
console.log(JSON.stringify({
  rows: Number(count.getRowObjects()[0].n),
  columns: cols.getRowObjects().map((c) => [c.column_name, c.column_type]),
  first: first.getRowObjectsJson()[0] ?? null,
}));
