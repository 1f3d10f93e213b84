import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentValidator } from '../../src/io/document-schemas.js';
import { readDocumentOfKind } from '../../src/io/documents.js';
import type { Profile } from '../../src/core/profile/profile.js';
import { dataFolder } from '../support/datasets.js';
import { runAction } from '../support/run-action.js';
import { runCli } from '../support/run-cli.js';

/** A value that only one row holds, well inside its column's range (so neither its min nor its max). */
const DISTINCTIVE = '4242.4242';

/** 600 rows: an id, an amount (one row holds DISTINCTIVE), a city; `shift` moves the amounts and tilts the cities. */
function csv(shift: number): string {
  const lines = ['id,amount,city'];
  for (let i = 0; i < 600; i++) {
    const amount = i === 57 && shift === 0 ? DISTINCTIVE : (((i * 7919) % 9000) + 500 + shift * 3000).toFixed(2);
    const city = shift > 0 && i % 2 === 0 ? 'Oslo' : ['Oslo', 'Lima', 'Pune', 'Kobe'][i % 4];
    lines.push(`${i},${amount},${city}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('a profile written with sample-size 0', () => {
  it('holds no sampled rows, validates against its schema, and drift-check compares its category counts', async () => {
    const cwd = dataFolder({ 'ref.csv': csv(0), 'cur.csv': csv(1) });
    const sampled = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'ref.csv', infer: 'true', contract: 'contract.yml', profile: 'sampled.json' },
    });
    expect(sampled.exitCode, sampled.stdout + sampled.stderr).toBe(0);
    // With the default sample, the row's value is in the profile: the check below can fail.
    // (stored encoded: read back, the amounts' sample holds it).
    const withSample = await readDocumentOfKind<Profile>(join(cwd, 'sampled.json'), 'sampled.json', 'profile');
    expect(Array.from(withSample.columns.find((c) => c.name === 'amount')!.sample)).toContain(Number(DISTINCTIVE));

    const result = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'ref.csv', contract: 'contract.yml', profile: 'profile.json', 'sample-size': '0' },
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const text = readFileSync(join(cwd, 'profile.json'), 'utf8');
    expect(text).not.toContain(DISTINCTIVE);
    const profile = JSON.parse(text);
    expect(profile.sample).toMatchObject({ size: 0, priorities: [] });
    expect(profile.columns.map((c: any) => [c.name, c.sample])).toEqual([
      ['id', []],
      ['amount', []],
      ['city', []],
    ]);
    const validate = await documentValidator('profile');
    expect(validate(profile), JSON.stringify(validate.errors)).toBe(true);

    const drift = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'profile.json', current: 'cur.csv' },
    });
    expect(drift.exitCode, drift.stdout + drift.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(cwd, 'mlgate-reports/drift-report.json'), 'utf8'));
    expect(report.features.map((f: any) => [f.column, f.kind, f.test, f.status])).toEqual([
      ['id', 'numeric', 'ks', 'skipped'],
      ['amount', 'numeric', 'ks', 'skipped'],
      ['city', 'categorical', 'chi2', 'drift'],
    ]);
    expect(report.features[1].reason).toMatch(
      /^the reference profile holds no sample \(written with sample-size 0\), and ks on this column needs one/,
    );
    expect(drift.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(/^the reference profile holds no sample/),
      }),
    );
    expect(drift.outputs['drifted-columns']).toBe('["city"]');
  });

  it('the CLI takes --sample-size 0, and refuses it beside quantiles rules that need the sample', async () => {
    const cwd = dataFolder({
      'ref.csv': csv(0),
      'q.yml': 'columns:\n  amount: { type: float, quantiles: { "0.5": { min: 0 } } }\n',
    });
    const result = await runCli(
      [
        'validate-data',
        'ref.csv',
        '--infer',
        'true',
        '--contract',
        'c.yml',
        '--profile',
        'profile.json',
        '--sample-size',
        '0',
      ],
      { cwd },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'profile.json'), 'utf8')).not.toContain(DISTINCTIVE);

    const refused = await runCli(['validate-data', 'ref.csv', '--contract', 'q.yml', '--sample-size', '0'], { cwd });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(
      /--sample-size 0 keeps no sample, but the quantiles rules of amount in q\.yml are checked on it/,
    );
  });
});
