import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../src/io/documents.js';
import { dataFolder } from '../support/datasets.js';
import { runAction } from '../support/run-action.js';
import { runCli } from '../support/run-cli.js';

const CONTRACT = 'columns:\n  id: { type: int, unique: true }\n  temp: { type: float, max: 40 }\n  weather: { type: category, allowed: [sun, rain] }\n';
const DATA = 'id,temp,weather\n1,12.5,sun\n2,55,rain\n2,3,hail\n';

describe('validate-data action (dist bundle, as the runner runs it)', () => {
  it('fails on violations with annotations on the rows, outputs, a summary and both documents', async () => {
    const cwd = dataFolder({ 'data/weather.csv': DATA, 'contract.yml': CONTRACT });
    const result = await runAction({ action: 'validate-data', cwd, inputs: { data: 'data/*.csv', contract: 'contract.yml' } });
    expect(result.exitCode).toBe(1);
    expect(result.outputs).toEqual({ passed: 'false', violations: '3', report: 'mlgate-reports/validation-report.json', profile: 'mlgate-reports/profile.json', contract: 'contract.yml' });
    // In the contract's column order, each violation's first rows.
    expect(result.annotations.slice(0, 3)).toEqual([
      { level: 'error', file: 'data/weather.csv', line: 4, message: 'id: unique: repeated values in a column whose values must be unique (value 2); 1 row(s) in all' },
      { level: 'error', file: 'data/weather.csv', line: 3, message: 'temp: max: values above the maximum 40 (value 55); 1 row(s) in all' },
      { level: 'error', file: 'data/weather.csv', line: 4, message: 'weather: allowed: values outside the allowed set (value "hail"); 1 row(s) in all' },
    ]);
    expect(result.annotations.at(-1)!.message).toMatch(/^The data broke its contract: 3 error\(s\)/);
    expect(result.summary).toContain('### ❌ Data validation');
    const report = await parseDocument(readFileSync(join(cwd, 'mlgate-reports/validation-report.json'), 'utf8'), 'report');
    const profile = await parseDocument(readFileSync(join(cwd, 'mlgate-reports/profile.json'), 'utf8'), 'profile');
    expect([report.kind, profile.kind]).toEqual(['validation-report', 'profile']);
  });

  it('passes clean data and respects max-annotations', async () => {
    const cwd = dataFolder({ 'd.csv': 'id,temp,weather\n1,1,sun\n2,2,rain\n', 'contract.yml': CONTRACT });
    const result = await runAction({ action: 'validate-data', cwd, inputs: { data: 'd.csv', contract: 'contract.yml', 'max-annotations': '0' } });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.passed).toBe('true');
    expect(result.annotations).toEqual([]);
  });

  it('with infer: true drafts the contract from the data and checks the data against it', async () => {
    const cwd = dataFolder({ 'd.csv': DATA });
    const result = await runAction({ action: 'validate-data', cwd, inputs: { data: 'd.csv', infer: 'true', contract: 'drafted.yml' } });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(readFileSync(join(cwd, 'drafted.yml'), 'utf8')).toMatch(/^# Drafted by mlgate from d\.csv/);
  });

  it.each([
    ['a missing contract', { data: 'd.csv', contract: 'nope.yml' }, /^nope\.yml: contract file not found; check the contract input, or set infer: true/],
    ['a contract with an unknown rule', { data: 'd.csv', contract: 'bad.yml' }, /^bad\.yml:3: \/columns\/id: must NOT have additional properties \(unknown rule "maximum"\)/],
    ['no data', { data: '', contract: 'contract.yml' }, /^input "data" is required/],
    ['a wrong fail-on', { data: 'd.csv', contract: 'contract.yml', 'fail-on': 'sometimes' }, /^input "fail-on" must be one of error, warning \(got "sometimes"\)/],
    ['a ragged CSV', { data: 'ragged.csv', contract: 'contract.yml' }, /^ragged\.csv:3: the row has 2 fields but the header has 3/],
  ])('%s: one error line naming the file, exit 1, no stack trace', async (_, inputs, message) => {
    const cwd = dataFolder({ 'd.csv': DATA, 'contract.yml': CONTRACT, 'bad.yml': 'columns:\n  id:\n    maximum: 3\n    type: int\n', 'ragged.csv': 'id,temp,weather\n1,2,sun\n3,4\n' });
    const result = await runAction({ action: 'validate-data', cwd, inputs });
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toHaveLength(1);
    expect(result.annotations[0]!.message).toMatch(message);
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(cwd, 'mlgate-reports'))).toBe(false);
  });
});

describe('mlgate validate-data, infer-contract and merge (CLI)', () => {
  it('infers a contract, validates against it, and merges shard profiles', async () => {
    const cwd = dataFolder({ 'a.csv': 'id,x\n1,0.5\n2,1.5\n', 'b.csv': 'id,x\n3,2.5\n' });
    expect((await runCli(['infer-contract', 'a.csv', 'b.csv', '--output', 'c.yml'], { cwd })).stdout).toBe('contract c.yml: 2 columns from 3 rows\n');
    const validated = await runCli(['validate-data', 'a.csv', '--contract', 'c.yml', '--profile', 'pa.json'], { cwd });
    expect(validated.exitCode, validated.stderr).toBe(0);
    expect(validated.stdout).toMatch(/^✓ passed: 0 errors, 0 warnings in 2 rows × 2 columns/);
    await runCli(['validate-data', 'b.csv', '--contract', 'c.yml', '--profile', 'pb.json'], { cwd });
    const merged = await runCli(['merge', 'pa.json', 'pb.json', '--output', 'all.json'], { cwd });
    expect(merged.stdout).toBe('profile all.json: 2 profiles, 3 rows\n');
  });

  it('exits 1 and lists the violations when the data breaks the contract', async () => {
    const cwd = dataFolder({ 'd.csv': DATA, 'contract.yml': CONTRACT });
    const result = await runCli(['validate-data', 'd.csv', '--contract', 'contract.yml'], { cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('error   temp: max: 1 row, values above the maximum 40 (first at d.csv:3)');
  });
});

describe('columns the contract leaves out', () => {
  it('are profiled as without a contract: numbers stay numbers, and a column with text past the first megabyte is text', async () => {
    // 70,000 rows of about 30 bytes: the first batch (1 MiB) shows `code` and `x` as numbers; `code` holds text later.
    const rows = Array.from({ length: 70_000 }, (_, i) => `${i + 1},${i < 60_000 ? i % 50 : `A${i % 50}`},${(i % 1000) / 8}`);
    const cwd = dataFolder({ 'a.csv': `id,code,x\n${rows.join('\n')}\n`, 'contract.yml': 'columns:\n  id: { type: int, unique: true }\n' });
    await runCli(['validate-data', 'a.csv', '--contract', 'contract.yml', '--profile', 'profile.json', '--sample-size', '2000'], { cwd });
    const profile = JSON.parse(readFileSync(join(cwd, 'profile.json'), 'utf8'));
    const column = (name: string) => profile.columns.find((c: { name: string }) => c.name === name);
    expect([column('code').type, column('code').count, column('code').invalid, column('code').categories.distinct]).toEqual(['string', 70_000, 0, 100]);
    expect([column('x').type, column('x').count, column('x').numeric.max, column('x').categories]).toEqual(['float', 70_000, 124.875, undefined]);
    // Texts are stored by dictionary in the profile document (see profile-encoding.ts).
    expect(column('code').sample.encoding).toBe('dictionary');
    expect(column('code').sample.values.slice(0, 3).every((v: unknown) => typeof v === 'string')).toBe(true);
  });
});

describe('reading a large file in parts on several threads', () => {
  const contract = 'columns:\n  id: { type: int, unique: true, min: 1, max: 100000 }\n  temp: { type: float, max: 40 }\n  weather: { type: category, allowed: [sun, rain] }\n  note: { type: string }\n';
  const file = (repeatAt?: number) =>
    `id,temp,weather,note\n${Array.from({ length: 40_000 }, (_, i) => {
      const id = i === repeatAt ? 17 : i === 3 ? 2 : i + 1; // one repeat near the start, in the first part
      const temp = i % 9_973 === 5 ? 99 : ((i * 7) % 400) / 10; // rows above the maximum in every part
      const note = i % 5_000 === 1 ? '"a note, with a comma"' : 'plain';
      return `${id},${temp},${['sun', 'rain', 'fog'][i % 3]},${note}`;
    }).join('\n')}\n`;
  const read = (cwd: string, name: string) => {
    const document = JSON.parse(readFileSync(join(cwd, name), 'utf8'));
    delete document.created_at;
    for (const column of document.columns ?? []) if (column.numeric) for (const key of ['mean', 'm2', 'variance']) column.numeric[key] = Number(column.numeric[key].toPrecision(10));
    return document;
  };
  const run = (cwd: string, threads: string, name: string) =>
    runCli(['validate-data', 'big.csv', '--contract', 'contract.yml', '--report', `${name}-report.json`, '--profile', `${name}-profile.json`, '--sample-size', '5000'], {
      cwd,
      env: { MLGATE_THREADS: threads, MLGATE_PARALLEL_MIN_BYTES: '1000' },
    });

  it('gives the same report and profile as reading it in one piece, violations and their lines included', async () => {
    const cwd = dataFolder({ 'big.csv': file(), 'contract.yml': contract });
    await run(cwd, '1', 'one');
    expect((await run(cwd, '3', 'three')).stderr).toContain('big.csv: read in 3 parts on 3 threads');
    const report = read(cwd, 'one-report.json');
    expect(report.violations.map((v: { rule: string; count: number; examples: { line: number }[] }) => [v.rule, v.count, v.examples[0]!.line])).toEqual([
      ['unique', 1, 5],
      ['max', 5, 7],
      ['allowed', 13_333, 4],
    ]);
    expect(read(cwd, 'three-report.json')).toEqual(report);
    expect(read(cwd, 'three-profile.json')).toEqual(read(cwd, 'one-profile.json'));
  });

  it('reads the file in one piece when a unique value repeats across parts, so the repeat points at its row', async () => {
    const cwd = dataFolder({ 'big.csv': file(30_000), 'contract.yml': contract });
    await run(cwd, '1', 'one');
    expect((await run(cwd, '3', 'three')).stderr).toContain('a unique value repeats across the parts read by 3 threads; reading it in one piece');
    const report = read(cwd, 'three-report.json');
    expect(report.violations[0].examples.map((e: { line: number }) => e.line)).toEqual([5, 30_002]);
    expect(report).toEqual(read(cwd, 'one-report.json'));
    // The first part was profiled straight into the whole's profile: read again, it starts afresh.
    expect(read(cwd, 'three-profile.json')).toEqual(read(cwd, 'one-profile.json'));
  });

  it('reads in one piece when the contract checks uniqueness of text, and the threads started ahead hold nothing open', async () => {
    const cwd = dataFolder({ 'big.csv': file(), 'contract.yml': contract.replace('note: { type: string }', 'note: { type: string, unique: true }') });
    const started = Date.now();
    const three = await run(cwd, '3', 'three');
    expect(three.stderr).not.toContain('read in 3 parts');
    expect(read(cwd, 'three-report.json').violations.find((v: { rule: string; column: string }) => v.rule === 'unique' && v.column === 'note')).toBeDefined();
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('reads the file in one piece when its first rows are far shorter than the rest, so that the sample stays exact', async () => {
    // The first part measures short rows and expects many more than there are: its sample ceiling comes out too
    // low, and rows the sample needs are passed over.
    const text = `id,temp,weather,note\n${Array.from({ length: 40_000 }, (_, i) => `${i + 1},${(i % 400) / 10},sun,${i < 12_000 ? 'x' : 'y'.repeat(300)}`).join('\n')}\n`;
    const cwd = dataFolder({ 'big.csv': text, 'contract.yml': contract });
    await run(cwd, '1', 'one');
    const three = await runCli(['validate-data', 'big.csv', '--contract', 'contract.yml', '--report', 'three-report.json', '--profile', 'three-profile.json', '--sample-size', '5000'], {
      cwd,
      env: { MLGATE_THREADS: '3', MLGATE_PARALLEL_MIN_BYTES: '1000', MLGATE_DEBUG: '1' },
    });
    expect(three.stderr + three.stdout).toContain("big.csv: a part's sample fell short of what the whole's needs; reading it in one piece");
    expect(read(cwd, 'three-profile.json')).toEqual(read(cwd, 'one-profile.json'));
    expect(read(cwd, 'three-report.json')).toEqual(read(cwd, 'one-report.json'));
  });

  it('reads a dataset of two large files in parts, the second file absorbed into the first one\'s profile', async () => {
    const shifted = file().replace(/^(\d+),/gm, (_, id: string) => `${Number(id) + 50_000},`);
    const cwd = dataFolder({ 'big.csv': file(), 'big-2.csv': shifted, 'contract.yml': contract });
    const both = (threads: string, name: string) =>
      runCli(['validate-data', 'big.csv, big-2.csv', '--contract', 'contract.yml', '--report', `${name}-report.json`, '--profile', `${name}-profile.json`, '--sample-size', '5000'], {
        cwd,
        env: { MLGATE_THREADS: threads, MLGATE_PARALLEL_MIN_BYTES: '1000' },
      });
    await both('1', 'one');
    const three = await both('3', 'three');
    expect(three.stderr).toContain('big.csv: read in 3 parts on 3 threads');
    expect(three.stderr).toContain('big-2.csv: read in 3 parts on 3 threads');
    expect(read(cwd, 'three-profile.json')).toEqual(read(cwd, 'one-profile.json'));
    expect(read(cwd, 'three-report.json')).toEqual(read(cwd, 'one-report.json'));
  });
});
