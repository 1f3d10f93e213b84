import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { checkShardCoverage, lineOffsets } from '../../../../src/core/shard/shard-pieces.js';
import { parseShardSpec, shardByteRange } from '../../../../src/core/shard/shard-spec.js';
import { seededRandom } from '../../../../src/core/data/seeded-random.js';
import { largestShardShare, shardRowGroups } from '../../../../src/io/readers/parquet-shard.js';
import { dataFolder, readAll, type ReadResult } from '../../../support/datasets.js';

/** A CSV whose text cells hold delimiters, quotes and, now and then, newlines, so that ranges fall inside them. */
function awkwardCsv(rows: number, quotedNewlines: boolean): string {
  const random = seededRandom(7);
  const lines = ['id,x,note'];
  for (let i = 0; i < rows; i++) {
    const note = random() < 0.3 ? `"a, ""b""${quotedNewlines && random() < 0.2 ? '\nsecond line' : ''}"` : `n${i}`;
    lines.push(`${i},${(random() * 100).toFixed(3)},${note}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The rows of every shard, in shard order, concatenated. */
async function readShards(folder: string, patterns: string[], count: number): Promise<ReadResult[]> {
  const parts: ReadResult[] = [];
  for (let index = 1; index <= count; index++)
    parts.push(
      await readAll(folder, patterns, { id: 'number', x: 'number', note: 'text' }, { shard: { index, count } }),
    );
  return parts;
}

function concatenated(parts: ReadResult[], column: string): unknown[] {
  return parts.flatMap((p) => p.values[column] ?? []);
}

describe('shard spec', () => {
  it('parses i/n and refuses what is not a shard', () => {
    expect(parseShardSpec('2/4', 'input "shard"')).toEqual({ index: 2, count: 4 });
    expect(parseShardSpec(' 1 / 1 ', 'input "shard"')).toEqual({ index: 1, count: 1 });
    expect(parseShardSpec('', 'input "shard"')).toBeUndefined();
    for (const bad of ['0/4', '5/4', '2', 'a/b', '1/0', '1/1000'])
      expect(() => parseShardSpec(bad, 'input "shard"')).toThrow(/input "shard" must be i\/n/);
  });

  it('cuts a byte range into slices that meet end to end', () => {
    const slices = [1, 2, 3].map((index) => shardByteRange({ index, count: 3 }, 10, 110));
    expect(slices).toEqual([
      { start: 10, stop: 43 },
      { start: 43, stop: 76 },
      { start: 76, stop: 110 },
    ]);
  });
});

describe('sharded reading', () => {
  for (const count of [1, 2, 4, 7]) {
    it(`CSV in ${count} byte ranges: every row once, with its own line and identity`, async () => {
      const folder = dataFolder({ 'a.csv': awkwardCsv(500, false) });
      const whole = await readAll(folder, ['a.csv'], { id: 'number', x: 'number', note: 'text' });
      const parts = await readShards(folder, ['a.csv'], count);
      expect(concatenated(parts, 'id')).toEqual(whole.values.id);
      expect(concatenated(parts, 'note')).toEqual(whole.values.note);
      expect(parts.flatMap((p) => p.lines)).toEqual(whole.lines);
      expect(parts.flatMap((p) => p.rowIds)).toEqual(whole.rowIds);
      const ordered = checkShardCoverage(
        parts.map((p, i) => ({ shard: { index: i + 1, count, pieces: p.pieces }, source: `part ${i + 1}` })),
        ['a.csv'],
      );
      // The merge's line offsets put the shards' relative lines back where they are in the file.
      const offsets = lineOffsets(ordered, 'a.csv');
      expect(offsets[0]).toBe(2);
    });
  }

  it('JSON Lines round-robin and Parquet row ranges cover every row once', async () => {
    const records = Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: i, x: i / 2, note: `r${i}` }));
    const folder = dataFolder({
      'a.jsonl': `${records.slice(0, 20).join('\n')}\n\n${records.slice(20).join('\n')}\n`,
      'b.parquet': {
        parquet: [
          { name: 'id', data: Array.from({ length: 30 }, (_, i) => 100 + i), type: 'INT32' },
          { name: 'x', data: Array.from({ length: 30 }, (_, i) => i), type: 'DOUBLE' },
          { name: 'note', data: Array.from({ length: 30 }, (_, i) => `p${i}`), type: 'STRING' },
        ],
      },
    });
    const whole = await readAll(folder, ['a.jsonl', 'b.parquet'], { id: 'number', x: 'number', note: 'text' });
    const parts = await readShards(folder, ['a.jsonl', 'b.parquet'], 3);
    const key = (r: ReadResult) => r.values.id!.map((id, i) => `${String(id)}@${r.lines[i]}#${r.rowIds[i]}`);
    expect(parts.flatMap(key).sort()).toEqual(key(whole).sort());
    expect(parts.map((p) => p.pieces.map((piece) => piece.split))).toEqual([
      ['positions', 'rows'],
      ['positions', 'rows'],
      ['positions', 'rows'],
    ]);
    checkShardCoverage(
      parts.map((p, i) => ({ shard: { index: i + 1, count: 3, pieces: p.pieces }, source: `part ${i + 1}` })),
      ['a.jsonl', 'b.parquet'],
    );
  });

  it('a Parquet file is split at row-group boundaries: each shard reads only its own row groups', async () => {
    // 95 rows in row groups of 10 (the last of 5): shard i takes the groups that start in its equal share of rows.
    const bytes = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: Int32Array.from({ length: 95 }, (_, i) => i), type: 'INT32' },
        { name: 'note', data: Array.from({ length: 95 }, (_, i) => `n${i % 7}`), type: 'STRING' },
      ],
      rowGroupSize: 10,
    });
    const folder = dataFolder({ 'g.parquet': new Uint8Array(bytes) });
    const parts = await readShards(folder, ['g.parquet'], 4);
    expect(
      parts.map((p) => p.pieces.map((piece) => [(piece as { start: number }).start, (piece as { stop: number }).stop])),
    ).toEqual([[[0, 30]], [[30, 50]], [[50, 80]], [[80, 95]]]);
    expect(parts.flatMap((p) => p.values.id)).toEqual(Array.from({ length: 95 }, (_, i) => i));
    checkShardCoverage(
      parts.map((p, i) => ({ shard: { index: i + 1, count: 4, pieces: p.pieces }, source: `part ${i + 1}` })),
      ['g.parquet'],
    );
    // The sample of a shard holds what its share of the rows can need: the largest share is 30 of 95 rows.
    expect(largestShardShare(4, [10, 10, 10, 10, 10, 10, 10, 10, 10, 5])).toBeCloseTo(30 / 95);
    // Fewer row groups than shards: the shards without one read nothing, and the pieces still meet.
    expect([1, 2, 3, 4].map((index) => shardRowGroups({ index, count: 4 }, [60, 35]))).toEqual([
      { start: 0, stop: 60 },
      { start: 60, stop: 60 },
      { start: 60, stop: 95 },
      { start: 95, stop: 95 },
    ]);
  });

  it('compressed files go whole to one shard each, and too few of them for the shards is an error', async () => {
    const files = Object.fromEntries(
      Array.from({ length: 5 }, (_, f) => [`p${f}.csv.gz`, `id,x,note\n${f * 10},1,a\n${f * 10 + 1},2,b\n`]),
    );
    const folder = dataFolder(files);
    const parts = await readShards(folder, ['p*.csv.gz'], 2);
    expect(parts.map((p) => p.values.id)).toEqual([
      [0, 1, 20, 21, 40, 41],
      [10, 11, 30, 31],
    ]);
    await expect(readShards(folder, ['p0.csv.gz'], 2)).rejects.toThrow(
      /p0\.csv\.gz: a gzip-compressed file cannot be split by position, so 2 shards need at least 2 files/,
    );
  });

  it('by a key column: every row once, rows sharing a key in one shard, whatever file they are in', async () => {
    const folder = dataFolder({
      'a.csv': awkwardCsv(300, true),
      'b.csv': awkwardCsv(200, false),
      'c.csv.gz': awkwardCsv(50, false),
    });
    const patterns = ['a.csv', 'b.csv', 'c.csv.gz'];
    const whole = await readAll(folder, patterns, { id: 'number', x: 'number', note: 'text' });
    const parts: ReadResult[] = [];
    for (let index = 1; index <= 3; index++)
      parts.push(
        await readAll(
          folder,
          patterns,
          { id: 'text', x: 'number', note: 'text' },
          { shard: { index, count: 3 }, shardKey: 'id' },
        ),
      );
    const shardsOf = new Map<string, Set<number>>();
    parts.forEach((p, s) =>
      p.values.id!.forEach((id) => shardsOf.set(String(id), (shardsOf.get(String(id)) ?? new Set()).add(s))),
    );
    expect([...shardsOf.values()].every((shards) => shards.size === 1)).toBe(true);
    // The ids 0..49 occur in all three files: each lands in one shard only.
    expect(new Set(parts.flatMap((p) => p.values.id!)).size).toBe(300);
    const key = (r: ReadResult) => r.rowIds.map((id, i) => `${r.lines[i]}#${id}`);
    expect(parts.flatMap(key).sort()).toEqual(key(whole).sort());
    expect(parts[0]!.pieces.map((p) => p.split)).toEqual(['key', 'key', 'key']);
    checkShardCoverage(
      parts.map((p, i) => ({ shard: { index: i + 1, count: 3, pieces: p.pieces }, source: `part ${i + 1}` })),
      patterns,
    );
    await expect(readAll(folder, ['a.csv'], {}, { shard: { index: 1, count: 2 }, shardKey: 'nope' })).rejects.toThrow(
      /^a\.csv: no column "nope" to shard by/,
    );
  });

  it('a merge refuses missing, doubled, mixed and non-meeting shards', () => {
    const piece = (first: number, last: number) => ({
      file: 'a.csv',
      split: 'bytes' as const,
      rows: 1,
      data_start: 10,
      data_end: 100,
      first_row_start: first,
      last_row_end: last,
      header_lines: 1,
      lines: 1,
    });
    const part = (index: number, count: number, first: number, last: number) => ({
      shard: { index, count, pieces: [piece(first, last)] },
      source: `p${index}.json`,
    });
    expect(() => checkShardCoverage([part(1, 3, 10, 40), part(3, 3, 70, 100)], ['a.csv'])).toThrow('shard 2/3 missing');
    expect(() => checkShardCoverage([part(1, 2, 10, 40), part(1, 2, 10, 40)], ['a.csv'])).toThrow(
      'shard 1/2 is given twice (p1.json and p1.json)',
    );
    expect(() => checkShardCoverage([part(1, 2, 10, 40), part(2, 3, 40, 100)], ['a.csv'])).toThrow(
      'p2.json is shard 2/3, but p1.json is of 2 shards',
    );
    expect(() => checkShardCoverage([part(1, 2, 10, 40), part(2, 2, 45, 100)], ['a.csv'])).toThrow(
      "a.csv: the shards' byte ranges do not meet",
    );
    expect(checkShardCoverage([part(2, 2, 40, 100), part(1, 2, 10, 40)], ['a.csv']).map((p) => p.shard.index)).toEqual([
      1, 2,
    ]);
  });

  it('with quoted newlines near the boundaries, each split reads every row exactly or the merge refuses it', async () => {
    // Quoted newlines make some boundaries land inside a value: either the ranges still meet (and the rows are
    // exact) or the coverage check refuses them. Never silently wrong.
    const folder = dataFolder({ 'a.csv': awkwardCsv(400, true) });
    const whole = await readAll(folder, ['a.csv'], { id: 'number', x: 'number', note: 'text' });
    let refused = 0;
    for (const count of [2, 3, 4, 5, 6, 7]) {
      let parts: ReadResult[];
      try {
        parts = await readShards(folder, ['a.csv'], count);
      } catch {
        refused++;
        continue;
      }
      try {
        checkShardCoverage(
          parts.map((p, i) => ({ shard: { index: i + 1, count, pieces: p.pieces }, source: `part ${i + 1}` })),
          ['a.csv'],
        );
      } catch (error) {
        expect(String(error)).toMatch(/do not meet/);
        refused++;
        continue;
      }
      expect(concatenated(parts, 'id')).toEqual(whole.values.id);
    }
    expect(refused).toBeLessThan(6);
  });
});
