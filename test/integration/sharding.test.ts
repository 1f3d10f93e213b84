import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../src/io/documents.js';
import { dataFolder } from '../support/datasets.js';
import { teacherLayers, writeClassificationCsv, writeModel } from '../support/models.js';
import { runAction, type ActionResult } from '../support/run-action.js';
import { runCli } from '../support/run-cli.js';

/** A document without the time it was written, to compare runs. */
async function document(cwd: string, path: string): Promise<any> {
  const { document: value } = await parseDocument<any>(readFileSync(join(cwd, path), 'utf8'), path);
  delete value.created_at;
  return value;
}

/** Runs every shard of `count` with the same inputs (each writing its partial), then the merge. */
async function sharded(
  action: string,
  cwd: string,
  inputs: Record<string, string>,
  count: number,
  mergeInputs: Record<string, string> = {},
): Promise<ActionResult> {
  for (let index = 1; index <= count; index++) {
    const shard = await runAction({ action, cwd, inputs: { ...inputs, shard: `${index}/${count}` } });
    expect(shard.exitCode, shard.stdout + shard.stderr).toBe(0);
    expect(shard.outputs.partial).toBe(`mlgate-reports/${action}.shard-${index}-of-${count}.json`);
  }
  return runAction({
    action,
    cwd,
    inputs: {
      ...mergeInputs,
      merge: `mlgate-reports/${action}.shard-*-of-${count}.json`,
      report: `merged-${count}.json`,
    },
  });
}

const CONTRACT = [
  'columns:',
  '  id: { type: int, unique: true }',
  '  temp: { type: float, min: -10, max: 40, mean: { min: 0, max: 30 } }',
  '  weather: { type: category, allowed: [sun, rain, fog] }',
  '  note: { type: string, nullable: true }',
  'dataset:',
  '  row_count: { min: 100 }',
  '',
].join('\n');

/** 1,200 rows over a CSV (with quoted commas and quotes), a JSON Lines file and ten rule breaks spread through. */
function weatherFolder(): string {
  const csv = ['id,temp,weather,note'];
  for (let i = 0; i < 800; i++)
    csv.push(
      `${i},${i % 97 === 5 ? 55 : ((i * 7) % 35).toFixed(1)},${i % 131 === 7 ? 'hail' : ['sun', 'rain', 'fog'][i % 3]},${i % 5 === 0 ? '"a, ""quoted"" note"' : `n${i}`}`,
    );
  const jsonl = Array.from({ length: 400 }, (_, j) =>
    JSON.stringify({
      id: 800 + j,
      temp: (j * 3) % 30,
      weather: ['sun', 'fog'][j % 2],
      note: j % 50 === 3 ? null : `j${j}`,
    }),
  );
  return dataFolder({
    'data/a.csv': `${csv.join('\n')}\n`,
    'data/b.jsonl': `${jsonl.join('\n')}\n`,
    'contract.yml': CONTRACT,
  });
}

describe('sharded validate-data (dist bundles)', () => {
  for (const count of [1, 2, 4, 7]) {
    it(`${count} shard(s) merge into the report, profile counts and annotations of one run`, async () => {
      const cwd = weatherFolder();
      const inputs = { data: 'data/a.csv, data/b.jsonl', contract: 'contract.yml' };
      const whole = await runAction({
        action: 'validate-data',
        cwd,
        inputs: { ...inputs, report: 'whole.json', profile: 'whole-profile.json' },
      });
      const merged = await sharded('validate-data', cwd, inputs, count, { profile: `merged-profile-${count}.json` });
      expect(merged.exitCode).toBe(1);
      expect(merged.outputs.passed).toBe('false');
      expect(merged.outputs.violations).toBe(whole.outputs.violations);
      // Every violation with the same count and the same first rows (file:line and value), so the same annotations.
      expect(await document(cwd, `merged-${count}.json`)).toEqual(await document(cwd, 'whole.json'));
      expect(merged.annotations).toEqual(
        whole.annotations.map((a) => ({ ...a, message: a.message.replace('whole.json', `merged-${count}.json`) })),
      );
      const [one, parts] = [
        await document(cwd, 'whole-profile.json'),
        await document(cwd, `merged-profile-${count}.json`),
      ];
      expect(parts.dataset).toEqual(one.dataset);
      expect(parts.sample).toEqual(one.sample);
      for (const [i, column] of one.columns.entries()) {
        expect([
          parts.columns[i].count,
          parts.columns[i].nulls,
          parts.columns[i].categories,
          parts.columns[i].numeric?.histogram,
        ]).toEqual([column.count, column.nulls, column.categories, column.numeric?.histogram]);
      }
    });
  }

  it('split by a key column, a repeated text key is found across files with its row, as in one run', async () => {
    const rows = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => `k${from + i},${(from + i) % 30},sun,x`).join('\n');
    const cwd = dataFolder({
      'a.csv': `key,temp,weather,note\n${rows(0, 300)}\n`,
      // k42 again, in another file: only a shard holding both rows can point at the second one.
      'b.csv': `key,temp,weather,note\n${rows(300, 500)}\nk42,1,sun,again\n`,
      'contract.yml': CONTRACT.replace('id: { type: int, unique: true }', 'key: { type: string, unique: true }'),
    });
    const inputs = { data: 'a.csv, b.csv', contract: 'contract.yml' };
    const whole = await runAction({ action: 'validate-data', cwd, inputs: { ...inputs, report: 'whole.json' } });
    const merged = await sharded('validate-data', cwd, { ...inputs, 'shard-key': 'key' }, 3);
    expect(whole.annotations[0]).toMatchObject({
      file: 'b.csv',
      line: 202,
      message: expect.stringMatching(/^key: unique: repeated values/),
    });
    expect(merged.annotations).toEqual(
      whole.annotations.map((a) => ({ ...a, message: a.message.replace('whole.json', 'merged-3.json') })),
    );
    expect(await document(cwd, 'merged-3.json')).toEqual(await document(cwd, 'whole.json'));
    expect(merged.stdout).not.toMatch(/checked within each shard only/);
  });

  it('the merge refuses a missing shard, a doubled one, and shards of other data; a shard spec must be i/n', async () => {
    const cwd = weatherFolder();
    const inputs = { data: 'data/a.csv', contract: 'contract.yml' };
    for (const index of [1, 2, 3])
      expect(
        (
          await runAction({
            action: 'validate-data',
            cwd,
            inputs: { ...inputs, shard: `${index}/3`, partial: `p${index}.json` },
          })
        ).exitCode,
      ).toBe(0);
    const attempts: [string, string | RegExp][] = [
      [
        'p1.json, p3.json',
        "shard 2/3 missing: every shard's partial is needed for an exact merge (did a matrix job fail?)",
      ],
      ['p1.json, p2.json, p3.json, p2-copy.json', /^shard 2\/3 is given twice \(p2\.json and p2-copy\.json\)/],
    ];
    writeFileSync(join(cwd, 'p2-copy.json'), readFileSync(join(cwd, 'p2.json')));
    writeFileSync(join(cwd, 'data/a.csv'), `${readFileSync(join(cwd, 'data/a.csv'), 'utf8')}9999,1,sun,x\n`);
    expect(
      (await runAction({ action: 'validate-data', cwd, inputs: { ...inputs, shard: '2/3', partial: 'p2-new.json' } }))
        .exitCode,
    ).toBe(0);
    attempts.push(['p1.json, p2-new.json, p3.json', /p2-new\.json and p1\.json are shards of different inputs/]);
    attempts.push([
      'nothing-*.json',
      /^input "merge": no partial report matches nothing-\*\.json; download every shard's artifact first/,
    ]);
    attempts.push(['contract.yml', /^contract\.yml: /]);
    for (const [merge, message] of attempts) {
      const result = await runAction({ action: 'validate-data', cwd, inputs: { merge } });
      expect(result.exitCode).toBe(1);
      expect(result.annotations).toHaveLength(1);
      expect(result.annotations[0]!.message).toMatch(message);
      expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
    }
    const bad = await runAction({ action: 'validate-data', cwd, inputs: { ...inputs, shard: '4/3' } });
    expect(bad.annotations[0]!.message).toMatch(
      /^input "shard" must be i\/n with 1 ≤ i ≤ n ≤ 256, e\.g\. 2\/4 for the second of four shards \(got "4\/3"\)/,
    );
    const both = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { ...inputs, shard: '1/3', merge: 'p*.json' },
    });
    expect(both.annotations[0]!.message).toMatch(/^input "shard" and input "merge" are different jobs/);
  });
});

const FEATURES = Array.from({ length: 6 }, (_, i) => `f${i}`);
const CLASSES = ['a', 'b', 'c'];

function evaluationFolder(): string {
  const cwd = dataFolder({});
  writeClassificationCsv(join(cwd, 'data.csv'), 4000, 6, CLASSES, {
    flip: 0.1,
    extra: (r) => ({ region: ['north', 'south', 'east'][r % 3]! }),
  });
  writeModel(join(cwd, 'good.onnx'), {
    features: FEATURES,
    classes: CLASSES,
    layers: teacherLayers(6, 3, 0.3),
    output: 'softmax',
  });
  writeModel(join(cwd, 'worse.onnx'), {
    features: FEATURES,
    classes: CLASSES,
    layers: teacherLayers(6, 3, 1.2),
    output: 'softmax',
  });
  return cwd;
}

describe('sharded evaluate (dist bundles)', () => {
  const inputs = { model: 'good.onnx', baseline: 'worse.onnx', data: 'data.csv', label: 'label' };
  for (const count of [1, 2, 4, 7]) {
    it(`${count} shard(s) merge into one run's metrics, intervals, McNemar and gate; rank metrics within their bound`, async () => {
      const cwd = evaluationFolder();
      const whole = await runAction({ action: 'evaluate', cwd, inputs: { ...inputs, report: 'whole.json' } });
      expect(whole.exitCode, whole.stderr).toBe(0);
      const merged = await sharded('evaluate', cwd, inputs, count);
      expect(merged.exitCode, merged.stdout + merged.stderr).toBe(0);
      const [one, parts] = [await document(cwd, 'whole.json'), await document(cwd, `merged-${count}.json`)];
      // Files split by position are not hashed (each shard would read all of them): the merge records their sizes,
      // which every shard checked it shared.
      expect(parts.data).toEqual({
        rows: one.data.rows,
        label: one.data.label,
        files: one.data.files.map((f: { path: string }) => ({ path: f.path, bytes: expect.any(Number) })),
        shards: count,
      });
      expect(parts.tests).toEqual(one.tests);
      expect(parts.gate).toEqual(one.gate);
      // Which class changed: counts, so the merge gives one run's matrices and per-class scores exactly.
      expect(parts.classes).toEqual(one.classes);
      for (const side of ['candidate', 'baseline']) {
        expect(parts[side].confusion_matrix).toEqual(one[side].confusion_matrix);
        expect(parts[side].per_class).toEqual(one[side].per_class);
      }
      for (const name of ['accuracy', 'precision_macro', 'recall_macro', 'f1_macro', 'f1_weighted']) {
        expect(parts.candidate.metrics[name]).toEqual(one.candidate.metrics[name]);
        expect(parts.comparisons.find((c: any) => c.metric === name)).toEqual(
          one.comparisons.find((c: any) => c.metric === name),
        );
      }
      for (const name of ['log_loss', 'brier', 'ece']) {
        for (const key of ['value', 'ci_low', 'ci_high'])
          if (one.candidate.metrics[name][key] !== undefined)
            expect(parts.candidate.metrics[name][key]).toBeCloseTo(one.candidate.metrics[name][key], 12);
      }
      for (const name of ['roc_auc', 'pr_auc']) {
        const { value, bound } = parts.candidate.metrics[name];
        expect(Math.abs(value - one.candidate.metrics[name].value)).toBeLessThanOrEqual((bound ?? 0) + 1e-12);
        // 4,000 rows: ROC AUC's bound is a few 1e-4, average precision's (a looser bound) about 1e-3.
        expect(bound ?? 0).toBeLessThan(name === 'roc_auc' ? 1e-3 : 3e-3);
      }
      expect(merged.summary).toContain(`(${count} shards merged)`);
    });
  }

  it('shards of several files, named in another order and spelled otherwise, merge into the intervals of one run', async () => {
    const cwd = evaluationFolder();
    const [header, ...lines] = readFileSync(join(cwd, 'data.csv'), 'utf8').trimEnd().split('\n');
    writeFileSync(join(cwd, 'a.csv'), [header, ...lines.slice(0, 2500), ''].join('\n'));
    writeFileSync(join(cwd, 'b.csv'), [header, ...lines.slice(2500), ''].join('\n'));
    const whole = await runAction({
      action: 'evaluate',
      cwd,
      inputs: { ...inputs, data: 'a.csv, b.csv', report: 'whole.json' },
    });
    expect(whole.exitCode, whole.stderr).toBe(0);
    const merged = await sharded('evaluate', cwd, { ...inputs, data: './b.csv, ./a.csv' }, 2);
    expect(merged.exitCode, merged.stdout + merged.stderr).toBe(0);
    const [one, parts] = [await document(cwd, 'whole.json'), await document(cwd, 'merged-2.json')];
    const exact = (report: any) => report.comparisons.filter((c: any) => !/^(latency|roc_auc|pr_auc)/.test(c.metric));
    expect(exact(parts)).toEqual(exact(one));
    expect(parts.candidate.metrics.accuracy).toEqual(one.candidate.metrics.accuracy);
    expect(parts.gate).toEqual(one.gate);
  });

  it("mlgate merge finishes evaluate partials with the step's defaults", async () => {
    const cwd = evaluationFolder();
    for (const index of [1, 2])
      expect(
        (
          await runCli(
            ['evaluate', ...Object.entries(inputs).flatMap(([k, v]) => [`--${k}`, v]), '--shard', `${index}/2`],
            { cwd },
          )
        ).exitCode,
      ).toBe(0);
    const merged = await runCli(['merge', 'mlgate-reports/evaluate.shard-*', '--output', 'merged.json'], { cwd });
    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(/✓ gate passed: good\.onnx on 4000 rows \(2 shards\) against worse\.onnx/);
    expect((await document(cwd, 'merged.json')).data.shards).toBe(2);
    // Shards that mapped labels to classes differently cannot be added up.
    const second = join(cwd, 'mlgate-reports/evaluate.shard-2-of-2.json');
    const partial = JSON.parse(readFileSync(second, 'utf8'));
    partial.evaluation.classes = ['b', 'a', 'c'];
    writeFileSync(second, JSON.stringify(partial));
    const mixed = await runCli(['evaluate', '--merge', 'mlgate-reports/evaluate.shard-*'], { cwd });
    expect(mixed.exitCode).toBe(1);
    expect(mixed.stderr).toMatch(
      /evaluate\.shard-2-of-2\.json: the shard's classes \(b, a, c\) differ from mlgate-reports\/evaluate\.shard-1-of-2\.json's \(a, b, c\)/,
    );
  });

  it('slices merge into the slices of one run, and the gate judges them alike', async () => {
    const cwd = evaluationFolder();
    // A slice rule that fails for every slice: the merged gate must fail for the same slices and reasons.
    writeFileSync(join(cwd, 'policy.yml'), 'metrics:\n  accuracy: { min: 0.5 }\nslices:\n  accuracy: { min: 0.99 }\n');
    const sliced = { ...inputs, slices: 'region, f0', policy: 'policy.yml', 'fail-on-gate': 'false' };
    const whole = await runAction({ action: 'evaluate', cwd, inputs: { ...sliced, report: 'whole.json' } });
    expect(whole.exitCode, whole.stderr).toBe(0);
    const merged = await sharded('evaluate', cwd, sliced, 3, { policy: 'policy.yml', 'fail-on-gate': 'false' });
    expect(merged.exitCode, merged.stderr).toBe(0);
    const [one, parts] = [await document(cwd, 'whole.json'), await document(cwd, 'merged-3.json')];
    // By value (region) and by quartile of a many-valued number (f0): the same slices, rows and gate.
    expect(parts.slices.map((s: any) => [s.column, s.value, s.rows])).toEqual(
      one.slices.map((s: any) => [s.column, s.value, s.rows]),
    );
    expect(one.slices.map((s: any) => s.column)).toEqual(['region', 'region', 'region', 'f0', 'f0', 'f0', 'f0']);
    parts.slices.forEach((slice: any, i: number) =>
      expect(slice.candidate.accuracy.value).toBeCloseTo(one.slices[i].candidate.accuracy.value, 12),
    );
    // Each slice's paired test from the McNemar counts the shards carry, as one run's.
    expect(parts.slices.map((s: any) => s.test)).toEqual(one.slices.map((s: any) => s.test));
    // The weak-slice search of a sharded run covers the slice columns, from those counts.
    expect(parts.weak_slices).toMatchObject({ method: 'mcnemar', columns: ['region', 'f0'], pairs: false, tested: 7 });
    expect(parts.gate).toEqual(one.gate);
    expect(parts.gate.passed).toBe(false);
  });
});

describe('sharded drift-check (dist bundles)', () => {
  it.each([1, 2, 4, 7])(
    '%i shard(s) of the current data give the drift report of one run, statistic for statistic',
    async (count) => {
      const row = (i: number, shift: number) =>
        `${i},${(Math.sin(i) * 10 + shift).toFixed(3)},${['a', 'b', 'c'][(i * 7) % 3]}`;
      const reference = ['id,x,c', ...Array.from({ length: 3000 }, (_, i) => row(i, 0))].join('\n');
      const current = ['id,x,c', ...Array.from({ length: 5000 }, (_, i) => row(i, i > 2500 ? 4 : 0))].join('\n');
      const cwd = dataFolder({ 'ref.csv': `${reference}\n`, 'cur.csv': `${current}\n` });
      const inputs = { reference: 'ref.csv', current: 'cur.csv', columns: 'x, c', tests: 'numeric=ks' };
      const whole = await runAction({ action: 'drift-check', cwd, inputs: { ...inputs, report: 'whole.json' } });
      const merged = await sharded('drift-check', cwd, inputs, count, {
        reference: 'ref.csv',
        columns: 'x, c',
        tests: 'numeric=ks',
      });
      expect(merged.exitCode, merged.stderr).toBe(0);
      expect(merged.outputs.drifted).toBe(whole.outputs.drifted);
      // KS on samples that hold every row: the exact statistic and p-value of one run.
      expect(await document(cwd, `merged-${count}.json`)).toEqual(await document(cwd, 'whole.json'));
    },
  );

  it('against a reference profile, the shards read the current data with its types', async () => {
    const row = (i: number, shift: number) => `${i},${(Math.cos(i) * 5 + shift).toFixed(2)},${['u', 'v'][i % 2]}`;
    const cwd = dataFolder({
      'ref.csv': `id,x,c\n${Array.from({ length: 2000 }, (_, i) => row(i, 0)).join('\n')}\n`,
      'cur.csv': `id,x,c\n${Array.from({ length: 3000 }, (_, i) => row(i, 1)).join('\n')}\n`,
    });
    expect(
      (
        await runCli(
          [
            'validate-data',
            'ref.csv',
            '--infer',
            'true',
            '--contract',
            'ref-contract.yml',
            '--profile',
            'ref-profile.json',
          ],
          { cwd },
        )
      ).exitCode,
    ).toBe(0);
    const inputs = { reference: 'ref-profile.json', current: 'cur.csv', columns: 'x, c' };
    const whole = await runAction({ action: 'drift-check', cwd, inputs: { ...inputs, report: 'whole.json' } });
    const merged = await sharded('drift-check', cwd, inputs, 2, { reference: 'ref-profile.json', columns: 'x, c' });
    expect([whole.exitCode, merged.exitCode]).toEqual([0, 0]);
    expect(merged.outputs.drifted).toBe('true');
    expect(await document(cwd, 'merged-2.json')).toEqual(await document(cwd, 'whole.json'));
  });
});
