import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataFolder } from '../support/datasets.js';
import { runAction } from '../support/run-action.js';

/** The partial reports an earlier mlgate wrote, with their data and the unsharded reports (see its README). */
const FIXTURES = join(import.meta.dirname, '../fixtures/partials');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const INPUTS = [
  'data.csv',
  'contract.yml',
  'reference.csv',
  ...['validate-data', 'drift-check'].flatMap((step) => [1, 2].map((i) => `${step}.shard-${i}-of-2.json`)),
];

/** A document's text without the time it was written. */
const undated = (text: string) => text.replace(/"created_at": ?"[^"]*"/g, '"created_at":""');

describe('partial reports of an earlier mlgate (dist bundles)', () => {
  const steps: {
    step: string;
    inputs: Record<string, string>;
    mergeInputs: Record<string, string>;
    report: string;
    exitCode: number;
  }[] = [
    {
      step: 'validate-data',
      inputs: { data: 'data.csv', contract: 'contract.yml' },
      mergeInputs: { profile: 'merged-profile.json' },
      report: 'validate-data.merged.json',
      exitCode: 1,
    },
    {
      step: 'drift-check',
      inputs: { reference: 'reference.csv', current: 'data.csv' },
      mergeInputs: { reference: 'reference.csv' },
      report: 'drift-check.merged.json',
      exitCode: 0,
    },
  ];
  it.each(steps)(
    '$step: they merge into the report they merged into then, and a shard writes them again byte for byte',
    async ({ step, inputs, mergeInputs, report, exitCode }) => {
      const cwd = dataFolder(Object.fromEntries(INPUTS.map((name) => [name, fixture(name)])));
      const merged = await runAction({
        action: step,
        cwd,
        inputs: { ...mergeInputs, merge: `${step}.shard-*-of-2.json`, report: 'merged.json' },
      });
      expect(merged.exitCode, merged.stdout + merged.stderr).toBe(exitCode);
      expect(undated(readFileSync(join(cwd, 'merged.json'), 'utf8'))).toBe(undated(fixture(report)));
      for (const i of [1, 2]) {
        const shard = await runAction({
          action: step,
          cwd,
          inputs: { ...inputs, shard: `${i}/2`, partial: `again-${i}.json` },
        });
        expect(shard.exitCode, shard.stdout + shard.stderr).toBe(0);
        expect(undated(readFileSync(join(cwd, `again-${i}.json`), 'utf8'))).toBe(
          undated(fixture(`${step}.shard-${i}-of-2.json`)),
        );
      }
    },
  );
});
