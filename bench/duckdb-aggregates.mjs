// The reference for the Parquet workload: DuckDB (2 threads) computes, for every column of a Parquet file, what the
// profile holds: count, nulls, min, max, and for numbers and timestamps mean, standard deviation and three
// quantiles; for text the distinct count. Run as its own process so that its time and peak memory are its own:
//   node bench/duckdb-aggregates.mjs FILE.parquet
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2].replaceAll("'", "''");
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const connection = await instance.connect();
const described = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjects();
const parts = described.flatMap(({ column_name: name, column_type: type }) => {
  const c = `"${String(name).replaceAll('"', '""')}"`;
  const common = [`count(${c})`, `count(*) - count(${c})`, `min(${c})`, `max(${c})`];
  if (/CHAR|TEXT|STRING/.test(String(type))) return [...common, `count(DISTINCT ${c})`];
  const n = /TIMESTAMP|DATE/.test(String(type)) ? `epoch_ms(${c})` : c;
  return [...common, `avg(${n})`, `stddev_samp(${n})`, `quantile_cont(${n}, [0.25, 0.5, 0.75])`];
});
const row = (await connection.runAndReadAll(`SELECT ${parts.join(', ')} FROM read_parquet('${file}')`)).getRows()[0];
console.log(JSON.stringify({ columns: described.length, values: row.map(String) }));
