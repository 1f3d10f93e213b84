// Small helpers shared by the benchmarks: timing child processes, statistics, and the printed table.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Runs a command `runs` times and returns the wall times in milliseconds (after one warm-up run). */
export function timeCommand(command, args, options, runs) {
  spawnSync(command, args, options);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, options);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0)
      throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stdout}${result.stderr}`);
  }
  return times;
}

export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (position - low);
}

/** Bytes of every file under a folder. */
export function folderBytes(folder) {
  return readdirSync(folder, { recursive: true })
    .map((f) => join(folder, f))
    .filter((f) => statSync(f).isFile())
    .reduce((sum, f) => sum + statSync(f).size, 0);
}

/** Prints rows as an aligned table. */
export function printTable(title, headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  console.log(`\n${title}\n${line(headers)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
}

/** Wall seconds and peak RSS (MB, by GNU time) of one command, and what it printed. */
export function measureRun(command, args, cwd) {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stdout}${result.stderr}`);
  const rssMb = Number(result.stderr.trim().split('\n').at(-1).split(' ')[1]) / 1024;
  return { seconds, rssMb, stdout: result.stdout };
}

/** Bundles a benchmark's TypeScript side (bench/<name>.ts, on the project's sources) into out/bench/<name>.mjs. */
export async function bundleWorkload(root, name, external = []) {
  const { build } = await import('esbuild');
  const outfile = join(root, 'out', 'bench', `${name}.mjs`);
  await build({
    entryPoints: [join(root, 'bench', `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: [...external, 'virtual:*'],
    banner: {
      js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return outfile;
}
