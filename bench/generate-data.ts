// Generates the validation benchmark's table: deterministic (seeded), written once into out/bench/ and reused.
// Bundled by bench/lib.mjs (bundleWorkload) like the other TypeScript parts of the benchmark.
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../src/core/data/seeded-random.js';

const CATEGORY_SIZES = [5, 12, 25, 50];

/**
 * The validation workload: `rows` rows x 22 columns: an int id, 16 floats with six decimals, 4 string categories of
 * 5 to 50 values, an int label. About 200 bytes a row.
 */
export async function generateTable(path: string, rows: number, seed = 42): Promise<string> {
  if (existsSync(path)) return path;
  mkdirSync(join(path, '..'), { recursive: true });
  const next = seededRandom(seed);
  const out = createWriteStream(path);
  const header = [
    'id',
    ...Array.from({ length: 16 }, (_, i) => `f${i}`),
    ...CATEGORY_SIZES.map((_, i) => `c${i}`),
    'label',
  ];
  let text = `${header.join(',')}\n`;
  for (let r = 0; r < rows; r++) {
    const cells: (number | string)[] = [r + 1];
    for (let f = 0; f < 16; f++) cells.push(((next() - 0.5) * 200 * (f + 1)).toFixed(6));
    CATEGORY_SIZES.forEach((size, i) => cells.push(`cat${i}_${Math.floor(next() * size)}`));
    cells.push(Math.floor(next() * 3));
    text += `${cells.join(',')}\n`;
    if (text.length > 1 << 20) {
      if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      text = '';
    }
  }
  out.write(text);
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return path;
}
