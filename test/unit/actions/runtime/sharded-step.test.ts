import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../../src/core/errors.js';
import { decodeFloat64, encodeArray } from '../../../../src/io/partial-documents.js';
import type { DriftCheckIdentity } from '../../../../src/io/partials/shard-identities.js';
import type { RunReports } from '../../../../src/io/run-reports.js';
import { writeDocument } from '../../../../src/io/documents.js';
import {
  mergeShardPartials,
  runShardedStep,
  writeShardPartial,
  type ShardEnvironment,
  type ShardedStepAdapter,
  type ShardedStepParts,
} from '../../../../src/actions/runtime/sharded-step.js';

/** A fake step's state: the values a shard read, in order (so that a merge out of shard order would show). */
interface Values {
  values: Float64Array;
}

/** A fake adapter (on drift-check's document slot: a profile's dataset row count carries the values' length). */
function valuesStep(
  counters = { decoded: 0, agreed: 0 },
): ShardedStepAdapter<'drift-check', Values, Values> & { counters: typeof counters } {
  return {
    counters,
    step: 'drift-check',
    encode: ({ values }) => ({ packed_samples: { values: encodeArray(values) } }),
    decode: ({ document, source }) => {
      counters.decoded++;
      return { values: decodeFloat64(document.packed_samples!.values!, source) };
    },
    agree: () => void counters.agreed++,
    merge: (shards) => {
      const states = shards.map((s) => s.state().values);
      const values = new Float64Array(states.reduce((n, v) => n + v.length, 0));
      states.reduce((at, v) => (values.set(v, at), at + v.length), 0);
      return { values };
    },
    rows: ({ values }) => values.length,
  };
}

/** A recording environment over a fresh folder. */
function environment() {
  const log: string[] = [];
  const outputs: Record<string, string> = {};
  const env: ShardEnvironment = {
    cwd: mkdtempSync(join(tmpdir(), 'mlgate-shards-')),
    host: {
      info: (m) => void log.push(`info ${m}`),
      warning: (m) => void log.push(`warning ${m}`),
      setOutput: (name, value) => void (outputs[name] = String(value)),
      print: (m) => void log.push(`print ${m}`),
    },
    inputs: { label: (name) => `input "${name}"` },
  };
  return { env, log, outputs };
}

const reports: Pick<RunReports, 'write'> = {
  write: (path, document, options) => writeDocument(path, document, options),
};
const TYPES: DriftCheckIdentity = { types: { columns: { x: { type: 'float' } } } };

/** Writes shard i/n of `values` split at `cuts` (every shard reads its part of one file by position). */
async function writeShards(
  env: ShardEnvironment,
  step: ShardedStepAdapter<'drift-check', Values, Values>,
  parts: readonly Float64Array[],
  identity: (index: number) => DriftCheckIdentity = () => TYPES,
): Promise<string[]> {
  const paths: string[] = [];
  for (const [i, values] of parts.entries()) {
    const path = `p${i + 1}.json`;
    const shard = { index: i + 1, count: parts.length };
    await writeShardPartial(env, reports, step, path, {
      createdAt: '2026-01-01T00:00:00.000Z',
      shard,
      key: undefined,
      pieces: [{ file: 'data.csv', split: 'positions', rows: values.length }],
      files: [{ path: 'data.csv', bytes: 100 }],
      identity: identity(i),
      state: { values },
    });
    paths.push(path);
  }
  return paths;
}

describe('sharded-step skeleton', () => {
  it("writes each shard's state encoded, sets the partial output, and merges the states in shard order", async () => {
    const { env, log, outputs } = environment();
    const step = valuesStep();
    const parts = [Float64Array.of(1, 2.5), Float64Array.of(-0, Number.MAX_VALUE), Float64Array.of(3)];
    const paths = await writeShards(env, step, parts);
    expect(outputs.partial).toBe('p3.json');
    const written = JSON.parse(readFileSync(join(env.cwd, 'p1.json'), 'utf8'));
    expect(written).toMatchObject({
      schema: 'mlgate/partial@1',
      step: 'drift-check',
      shard: { index: 1, count: 3 },
      packed_samples: { values: encodeArray(parts[0]!) },
    });
    const merged = await mergeShardPartials(env, step, [...paths].reverse(), '2026-01-02T00:00:00.000Z');
    expect(Array.from(merged.values)).toEqual([1, 2.5, -0, Number.MAX_VALUE, 3]);
    expect(log).toEqual(['info Merged 3 shards: 5 rows']);
    // Each shard's state decoded once, after the shards were checked to agree.
    expect(step.counters).toEqual({ decoded: 3, agreed: 1 });
  });

  it('refuses shards whose identities differ, before any state is decoded', async () => {
    const { env } = environment();
    const step = valuesStep();
    const paths = await writeShards(env, step, [Float64Array.of(1), Float64Array.of(2)], (i) => ({
      types: { columns: { x: { type: i === 0 ? 'float' : 'int' } } },
    }));
    const merging = mergeShardPartials(env, step, paths, '2026-01-02T00:00:00.000Z');
    await expect(merging).rejects.toThrow(ConfigurationError);
    await expect(merging).rejects.toThrow(
      'p2.json and p1.json are shards of different inputs (other data files, sizes, or options); merge only the shards of one run, all run with the same inputs',
    );
    expect(step.counters).toEqual({ decoded: 0, agreed: 0 });
  });

  it('the same identity gives the same fingerprint whatever the shard', async () => {
    const { env } = environment();
    await writeShards(env, valuesStep(), [Float64Array.of(1), Float64Array.of(2)]);
    const [a, b] = ['p1.json', 'p2.json'].map((p) => JSON.parse(readFileSync(join(env.cwd, p), 'utf8')).fingerprint);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).toBe(b);
  });

  it('lets the step refuse shards that disagree, with its own message', async () => {
    const { env } = environment();
    const step: ShardedStepAdapter<'drift-check', Values, Values> = {
      ...valuesStep(),
      agree: (partials) => {
        throw new ConfigurationError(`${partials[1]!.source}: differs from ${partials[0]!.source}`);
      },
    };
    const paths = await writeShards(env, valuesStep(), [Float64Array.of(1), Float64Array.of(2)]);
    await expect(mergeShardPartials(env, step, paths, '2026-01-02T00:00:00.000Z')).rejects.toThrow(
      'p2.json: differs from p1.json',
    );
  });

  it("names a damaged state's file", async () => {
    const { env } = environment();
    const step = valuesStep();
    const paths = await writeShards(env, step, [Float64Array.of(1), Float64Array.of(2)]);
    const damaged = JSON.parse(readFileSync(join(env.cwd, 'p2.json'), 'utf8'));
    damaged.packed_samples.values = 'AAAA!';
    writeFileSync(join(env.cwd, 'p2.json'), JSON.stringify(damaged));
    await expect(mergeShardPartials(env, step, paths, '2026-01-02T00:00:00.000Z')).rejects.toThrow(
      /^p2\.json: holds a packed array that is not valid base64 of 8-byte numbers/,
    );
  });

  it("merging the shards' partials, named in any order, gives the whole", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 60 }).chain((values) =>
          fc.tuple(
            fc.constant(values),
            fc
              .uniqueArray(fc.integer({ min: 1, max: Math.max(1, values.length - 1) }), { maxLength: 6 })
              .map((cuts) => cuts.filter((c) => c < values.length)),
            fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
          ),
        ),
        async ([values, cuts, order]) => {
          const { env } = environment();
          const bounds = [0, ...[...cuts].sort((a, b) => a - b), values.length];
          const parts = bounds.slice(1).map((end, i) => Float64Array.from(values.slice(bounds[i], end)));
          const paths = await writeShards(env, valuesStep(), parts);
          // A shuffle of the names given to the merge.
          const named = paths
            .map((p, i) => ({ p, k: order[i % order.length]! + i / 100 }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.p);
          const merged = await mergeShardPartials(env, valuesStep(), named, '2026-01-02T00:00:00.000Z');
          expect(Array.from(merged.values)).toEqual(values);
        },
      ),
      { numRuns: 25 },
    );
  });

  describe('runShardedStep', () => {
    /**
     * A fake step over `data` whose calls are recorded: a scan reads the shard's half (or all), finish prints the sum.
     */
    function parts(data: readonly number[], calls: string[]): ShardedStepParts<'drift-check', Values, Values, Values> {
      const half = Math.ceil(data.length / 2);
      const sum = ({ values }: Values) => values.reduce((a, b) => a + b, 0);
      return {
        adapter: valuesStep(),
        scan: async (shard) => {
          calls.push(`scan ${shard ? `${shard.index}/${shard.count}` : 'all'}`);
          const rows = !shard ? data : shard.index === 1 ? data.slice(0, half) : data.slice(half);
          return { values: Float64Array.from(rows) };
        },
        shardToWrite: (scanned, shard) => ({
          result: {
            createdAt: '2026-01-01T00:00:00.000Z',
            shard,
            key: undefined,
            pieces: [{ file: 'data.csv', split: 'positions', rows: scanned.values.length }],
            files: [{ path: 'data.csv', bytes: 100 }],
            identity: TYPES,
            state: scanned,
          },
          done: `shard ${shard.index}: ${scanned.values.length} rows`,
        }),
        finish: async (result) => {
          calls.push(
            'merged' in result ? `finish merged ${sum(result.merged)}` : `finish scanned ${sum(result.scanned)}`,
          );
        },
      };
    }

    it('scans every row and finishes, without a partial, when the run is not sharded', async () => {
      const { env, log, outputs } = environment();
      const calls: string[] = [];
      await runShardedStep(env, reports, {}, parts([1, 2, 3], calls), '2026-01-01T00:00:00.000Z');
      expect(calls).toEqual(['scan all', 'finish scanned 6']);
      expect(outputs).toEqual({});
      expect(log).toEqual([]);
    });

    it('writes a shard its partial and does not finish; the merge finishes as one run would', async () => {
      const { env, log, outputs } = environment();
      const calls: string[] = [];
      const step = parts([1, 2, 3], calls);
      for (const index of [1, 2])
        await runShardedStep(
          env,
          reports,
          { shard: { index, count: 2 }, partial: `p${index}.json` },
          step,
          '2026-01-01T00:00:00.000Z',
        );
      expect(calls).toEqual(['scan 1/2', 'scan 2/2']);
      expect(outputs.partial).toBe('p2.json');
      expect(log).toEqual(['print shard 1: 2 rows', 'print shard 2: 1 rows']);
      await runShardedStep(env, reports, { merge: ['p*.json'] }, step, '2026-01-02T00:00:00.000Z');
      expect(calls.slice(2)).toEqual(['finish merged 6']);
    });
  });
});
