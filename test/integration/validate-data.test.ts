import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../src/io/documents.js';
import { dataFolder } from '../support/datasets.js';
import { runAction } from '../support/run-action.js';
import { runCli } from '../support/run-cli.js';

const CONTRACT =
  'columns:\n  id: { type: int, unique: true }\n  temp: { type: float, max: 40 }\n  weather: { type: category, allowed: [sun, rain] }\n';
const DATA = 'id,temp,weather\n1,12.5,sun\n2,55,rain\n2,3,hail\n';

describe('validate-data action (dist bundle, as the runner runs it)', () => {
  it('fails on violations with annotations on the rows, outputs, a summary and both documents', async () => {
    const cwd = dataFolder({ 'data/weather.csv': DATA, 'contract.yml': CONTRACT });
    const result = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'data/*.csv', contract: 'contract.yml' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.outputs).toEqual({
      passed: 'false',
      violations: '3',
      report: 'mlgate-reports/validation-report.json',
      profile: 'mlgate-reports/profile.json',
      contract: 'contract.yml',
    });
    // In the contract's column order, each violation's first rows.
    expect(result.annotations.slice(0, 3)).toEqual([
      {
        level: 'error',
        file: 'data/weather.csv',
        line: 4,
        message: 'id: unique: repeated values in a column whose values must be unique (value 2); 1 row(s) in all',
      },
      {
        level: 'error',
        file: 'data/weather.csv',
        line: 3,
        message: 'temp: max: values above the maximum 40 (value 55); 1 row(s) in all',
      },
      {
        level: 'error',
        file: 'data/weather.csv',
        line: 4,
        message: 'weather: allowed: values outside the allowed set (value "hail"); 1 row(s) in all',
      },
    ]);
    expect(result.annotations.at(-1)!.message).toMatch(/^The data broke its contract: 3 error\(s\)/);
    expect(result.summary).toContain('### ❌ Data validation');
    const report = await parseDocument(
      readFileSync(join(cwd, 'mlgate-reports/validation-report.json'), 'utf8'),
      'report',
    );
    const profile = await parseDocument(readFileSync(join(cwd, 'mlgate-reports/profile.json'), 'utf8'), 'profile');
    expect([report.kind, profile.kind]).toEqual(['validation-report', 'profile']);
  });

  it('passes clean data and respects max-annotations', async () => {
    const cwd = dataFolder({ 'd.csv': 'id,temp,weather\n1,1,sun\n2,2,rain\n', 'contract.yml': CONTRACT });
    const result = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'd.csv', contract: 'contract.yml', 'max-annotations': '0' },
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.passed).toBe('true');
    expect(result.annotations).toEqual([]);
  });

  it('with infer: true drafts the contract from the data and checks the data against it', async () => {
    const cwd = dataFolder({ 'd.csv': DATA });
    const result = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'd.csv', infer: 'true', contract: 'drafted.yml' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(readFileSync(join(cwd, 'drafted.yml'), 'utf8')).toMatch(/^# Drafted by mlgate from d\.csv/);
  });

  it.each([
    [
      'a missing contract',
      { data: 'd.csv', contract: 'nope.yml' },
      /^nope\.yml: contract file not found; check the contract input, or set infer: true/,
    ],
    [
      'a contract with an unknown rule',
      { data: 'd.csv', contract: 'bad.yml' },
      /^bad\.yml:3: \/columns\/id: must NOT have additional properties \(unknown rule "maximum"\)/,
    ],
    ['no data', { data: '', contract: 'contract.yml' }, /^input "data" is required/],
    [
      'a wrong fail-on',
      { data: 'd.csv', contract: 'contract.yml', 'fail-on': 'sometimes' },
      /^input "fail-on" must be one of error, warning \(got "sometimes"\)/,
    ],
    [
      'a ragged CSV',
      { data: 'ragged.csv', contract: 'contract.yml' },
      /^ragged\.csv:3: the row has 2 fields but the header has 3/,
    ],
  ])('%s: one error line naming the file, exit 1, no stack trace', async (_, inputs, message) => {
    const cwd = dataFolder({
      'd.csv': DATA,
      'contract.yml': CONTRACT,
      'bad.yml': 'columns:\n  id:\n    maximum: 3\n    type: int\n',
      'ragged.csv': 'id,temp,weather\n1,2,sun\n3,4\n',
    });
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
    expect((await runCli(['infer-contract', 'a.csv', 'b.csv', '--output', 'c.yml'], { cwd })).stdout).toBe(
      'contract c.yml: 2 columns from 3 rows\n',
    );
    const validated = await runCli(['validate-data', 'a.csv', '--contract', 'c.yml', '--profile', 'pa.json'], { cwd });
    expect(validated.exitCode, validated.stderr).toBe(0);
    expect(validated.stdout).toMatch(/^✓ passed: 0 errors, 0 warnings in 2 rows × 2 columns/);
    await runCli(['validate-data', 'b.csv', '--contract', 'c.yml', '--profile', 'pb.json'], { cwd });
    const merged = await runCli(['merge', 'pa.json', 'pb.json', '--output', 'all.json'], { cwd });
    expect(merged.stdout).toBe('profile all.json: 2 profiles, 3 rows\n');
    // A merge that fails leaves no earlier merged profile; one that would overwrite an input is refused.
    writeFileSync(join(cwd, 'broken.json'), '{');
    expect((await runCli(['merge', 'pa.json', 'broken.json', '--output', 'all.json'], { cwd })).exitCode).toBe(1);
    expect(existsSync(join(cwd, 'all.json'))).toBe(false);
    const into = await runCli(['merge', 'pa.json', 'pb.json', '--output', 'pb.json'], { cwd });
    expect(into.stderr).toMatch(/^error: option --output pb\.json is also one of the profiles to merge/);
    expect(existsSync(join(cwd, 'pb.json'))).toBe(true);
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
    const rows = Array.from(
      { length: 70_000 },
      (_, i) => `${i + 1},${i < 60_000 ? i % 50 : `A${i % 50}`},${(i % 1000) / 8}`,
    );
    const cwd = dataFolder({
      'a.csv': `id,code,x\n${rows.join('\n')}\n`,
      'contract.yml': 'columns:\n  id: { type: int, unique: true }\n',
    });
    await runCli(
      ['validate-data', 'a.csv', '--contract', 'contract.yml', '--profile', 'profile.json', '--sample-size', '2000'],
      { cwd },
    );
    const profile = JSON.parse(readFileSync(join(cwd, 'profile.json'), 'utf8'));
    const column = (name: string) => profile.columns.find((c: { name: string }) => c.name === name);
    expect([
      column('code').type,
      column('code').count,
      column('code').invalid,
      column('code').categories.distinct,
    ]).toEqual(['string', 70_000, 0, 100]);
    expect([column('x').type, column('x').count, column('x').numeric.max, column('x').categories]).toEqual([
      'float',
      70_000,
      124.875,
      undefined,
    ]);
    // Texts are stored by dictionary in the profile document (see profile-encoding.ts).
    expect(column('code').sample.encoding).toBe('dictionary');
    expect(
      column('code')
        .sample.values.slice(0, 3)
        .every((v: unknown) => typeof v === 'string'),
    ).toBe(true);
  });
});

describe('reading a large file in parts on several threads', () => {
  const contract =
    'columns:\n  id: { type: int, unique: true, min: 1, max: 100000 }\n  temp: { type: float, max: 40 }\n  weather: { type: category, allowed: [sun, rain] }\n  note: { type: string }\n';
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
    for (const column of document.columns ?? [])
      if (column.numeric)
        for (const key of ['mean', 'm2', 'variance']) column.numeric[key] = Number(column.numeric[key].toPrecision(10));
    return document;
  };
  const run = (cwd: string, threads: string, name: string) =>
    runCli(
      [
        'validate-data',
        'big.csv',
        '--contract',
        'contract.yml',
        '--report',
        `${name}-report.json`,
        '--profile',
        `${name}-profile.json`,
        '--sample-size',
        '5000',
      ],
      {
        cwd,
        env: { MLGATE_THREADS: threads, MLGATE_PARALLEL_MIN_BYTES: '1000' },
      },
    );

  it('gives the same report and profile as reading it in one piece, violations and their lines included', async () => {
    const cwd = dataFolder({ 'big.csv': file(), 'contract.yml': contract });
    await run(cwd, '1', 'one');
    expect((await run(cwd, '3', 'three')).stderr).toContain('big.csv: read in 3 parts on 3 threads');
    const report = read(cwd, 'one-report.json');
    expect(
      report.violations.map((v: { rule: string; count: number; examples: { line: number }[] }) => [
        v.rule,
        v.count,
        v.examples[0]!.line,
      ]),
    ).toEqual([
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
    expect((await run(cwd, '3', 'three')).stderr).toContain(
      'a unique value repeats across the parts read by 3 threads; reading it in one piece',
    );
    const report = read(cwd, 'three-report.json');
    expect(report.violations[0].examples.map((e: { line: number }) => e.line)).toEqual([5, 30_002]);
    expect(report).toEqual(read(cwd, 'one-report.json'));
    // The first part was profiled straight into the whole's profile: read again, it starts afresh.
    expect(read(cwd, 'three-profile.json')).toEqual(read(cwd, 'one-profile.json'));
  });

  it('reads in one piece when the contract checks uniqueness of text, and the threads started ahead hold nothing open', async () => {
    const cwd = dataFolder({
      'big.csv': file(),
      'contract.yml': contract.replace('note: { type: string }', 'note: { type: string, unique: true }'),
    });
    const started = Date.now();
    const three = await run(cwd, '3', 'three');
    expect(three.stderr).not.toContain('read in 3 parts');
    expect(
      read(cwd, 'three-report.json').violations.find(
        (v: { rule: string; column: string }) => v.rule === 'unique' && v.column === 'note',
      ),
    ).toBeDefined();
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('reads the file in one piece when its first rows are far shorter than the rest, so that the sample stays exact', async () => {
    // The first part measures short rows and expects many more than there are: its sample ceiling comes out too
    // low, and rows the sample needs are passed over.
    const text = `id,temp,weather,note\n${Array.from({ length: 40_000 }, (_, i) => `${i + 1},${(i % 400) / 10},sun,${i < 12_000 ? 'x' : 'y'.repeat(300)}`).join('\n')}\n`;
    const cwd = dataFolder({ 'big.csv': text, 'contract.yml': contract });
    await run(cwd, '1', 'one');
    const three = await runCli(
      [
        'validate-data',
        'big.csv',
        '--contract',
        'contract.yml',
        '--report',
        'three-report.json',
        '--profile',
        'three-profile.json',
        '--sample-size',
        '5000',
      ],
      {
        cwd,
        env: { MLGATE_THREADS: '3', MLGATE_PARALLEL_MIN_BYTES: '1000', MLGATE_DEBUG: '1' },
      },
    );
    expect(three.stderr + three.stdout).toContain(
      "big.csv: a part's sample fell short of what the whole's needs; reading it in one piece",
    );
    expect(read(cwd, 'three-profile.json')).toEqual(read(cwd, 'one-profile.json'));
    expect(read(cwd, 'three-report.json')).toEqual(read(cwd, 'one-report.json'));
  });

  it("reads a dataset of two large files in parts, the second file absorbed into the first one's profile", async () => {
    const shifted = file().replace(/^(\d+),/gm, (_, id: string) => `${Number(id) + 50_000},`);
    const cwd = dataFolder({ 'big.csv': file(), 'big-2.csv': shifted, 'contract.yml': contract });
    const both = (threads: string, name: string) =>
      runCli(
        [
          'validate-data',
          'big.csv, big-2.csv',
          '--contract',
          'contract.yml',
          '--report',
          `${name}-report.json`,
          '--profile',
          `${name}-profile.json`,
          '--sample-size',
          '5000',
        ],
        {
          cwd,
          env: { MLGATE_THREADS: threads, MLGATE_PARALLEL_MIN_BYTES: '1000' },
        },
      );
    await both('1', 'one');
    const three = await both('3', 'three');
    expect(three.stderr).toContain('big.csv: read in 3 parts on 3 threads');
    expect(three.stderr).toContain('big-2.csv: read in 3 parts on 3 threads');
    expect(read(cwd, 'three-profile.json')).toEqual(read(cwd, 'one-profile.json'));
    expect(read(cwd, 'three-report.json')).toEqual(read(cwd, 'one-report.json'));
  });
});

describe('a reader that never guesses', () => {
  const contract =
    'columns:\n  id: { type: int }\n  city: { type: string }\n  x: { type: float, min: -100, max: 100 }\n';

  it('fails on text after a closing quote with the file and line, and leaves no earlier report behind', async () => {
    const cwd = dataFolder({ 'd.csv': 'id,city,x\n1,paris,1.5\n2,york,2\n', 'contract.yml': contract });
    const inputs = { data: 'd.csv', contract: 'contract.yml' };
    expect((await runAction({ action: 'validate-data', cwd, inputs })).exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, 'mlgate-reports/validation-report.json'), 'utf8')).passed).toBe(true);
    // Python's csv reads this row as [2, 'newyork', '2'] (strict=True raises); it was read as "new" before.
    writeFileSync(join(cwd, 'd.csv'), 'id,city,x\n1,paris,1.5\n2,"new"york,2\n3,rome,"20.5"x\n');
    const result = await runAction({ action: 'validate-data', cwd, inputs });
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toEqual([
      {
        level: 'error',
        file: 'd.csv',
        line: 3,
        message: expect.stringMatching(/^d\.csv:3: text after the closing quote of the field "\\"new\\"", at "york"/),
      },
    ]);
    expect(existsSync(join(cwd, 'mlgate-reports/validation-report.json'))).toBe(false);
    expect(existsSync(join(cwd, 'mlgate-reports/profile.json'))).toBe(false);
  });

  it('fails on a stray quote inside a field, unless quote: lenient reads it as text', async () => {
    const cwd = dataFolder({ 'd.csv': 'id,city,x\n1,5" screen,1\n', 'contract.yml': contract });
    const strict = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'd.csv', contract: 'contract.yml' },
    });
    expect(strict.exitCode).toBe(1);
    expect(strict.annotations[0]).toMatchObject({
      file: 'd.csv',
      line: 2,
      message: expect.stringMatching(/a quote inside an unquoted field \("5\\" screen"\).*or set quote: lenient/),
    });
    const lenient = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'd.csv', contract: 'contract.yml', quote: 'lenient' },
    });
    expect(lenient.exitCode, lenient.stdout).toBe(0);
  });

  it('finds a stray quote in the last part of a file read on several threads, at its true line', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => `${i + 1},c${i % 7},${(i % 50) - 25}`);
    rows[28_000] = '28001,"the "end",3';
    const cwd = dataFolder({ 'big.csv': `id,city,x\n${rows.join('\n')}\n`, 'contract.yml': contract });
    for (const threads of ['1', '3']) {
      const result = await runCli(['validate-data', 'big.csv', '--contract', 'contract.yml'], {
        cwd,
        env: { MLGATE_THREADS: threads, MLGATE_PARALLEL_MIN_BYTES: '1000' },
      });
      expect(result.exitCode, threads).toBe(1);
      expect(result.stderr).toMatch(/big\.csv:28002: text after the closing quote/);
      expect(existsSync(join(cwd, 'mlgate-reports/validation-report.json'))).toBe(false);
    }
  });

  it('reads inf and -Infinity as floats for the range rules, NaN as missing, and writes finite documents', async () => {
    const cwd = dataFolder({
      'd.csv': 'id,city,x\n1,a,1\n2,b,inf\n3,c,-Infinity\n4,d,NaN\n5,e,nan\n6,f,3\n7,g,NAN\n',
      'contract.yml': contract,
    });
    const result = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'd.csv', contract: 'contract.yml' },
    });
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(readFileSync(join(cwd, 'mlgate-reports/validation-report.json'), 'utf8'));
    expect(
      report.violations.map((v: { rule: string; count: number; examples: { line: number }[] }) => [
        v.rule,
        v.count,
        v.examples[0]!.line,
      ]),
    ).toEqual([
      ['min', 1, 4],
      ['max', 1, 3],
    ]);
    const profileText = readFileSync(join(cwd, 'mlgate-reports/profile.json'), 'utf8');
    expect(profileText).not.toMatch(/NaN|Infinity/);
    const x = (await parseDocument<any>(profileText, 'profile')).document.columns.find(
      (c: { name: string }) => c.name === 'x',
    );
    // NaN is missing; the infinities are kept out of the moments, counted apart from the values that are numbers.
    expect(x).toMatchObject({ nulls: 3, numeric: { min: 1, max: 3, mean: 2 } });
  });

  it('counts infinities alike in one read and in parts on several threads', async () => {
    const rows = Array.from(
      { length: 30_000 },
      (_, i) =>
        `${i + 1},c${i % 7},${i % 997 === 3 ? (i % 2 ? 'inf' : '-Infinity') : i % 991 === 5 ? 'NaN' : (i % 50) - 25}`,
    );
    const cwd = dataFolder({
      'big.csv': `id,city,x\n${rows.join('\n')}\n`,
      'contract.yml': 'columns:\n  id: { type: int }\n  city: { type: string }\n  x: { type: float }\n',
    });
    const profiles = [];
    for (const threads of ['1', '3']) {
      const result = await runCli(
        [
          'validate-data',
          'big.csv',
          '--contract',
          'contract.yml',
          '--profile',
          `p${threads}.json`,
          '--sample-size',
          '5000',
        ],
        { cwd, env: { MLGATE_THREADS: threads, MLGATE_PARALLEL_MIN_BYTES: '1000' } },
      );
      expect(result.exitCode, result.stderr).toBe(0);
      if (threads === '3') expect(result.stderr).toContain('big.csv: read in 3 parts on 3 threads');
      const profile = JSON.parse(readFileSync(join(cwd, `p${threads}.json`), 'utf8'));
      delete profile.created_at;
      // Moments merged from parts differ from one pass in the last bits.
      for (const column of profile.columns)
        if (column.numeric)
          for (const key of ['mean', 'm2', 'variance'])
            column.numeric[key] = Number(column.numeric[key].toPrecision(10));
      profiles.push(profile);
    }
    const x = profiles[0].columns.find((c: { name: string }) => c.name === 'x');
    expect(x).toMatchObject({
      nulls: 31,
      invalid: 0,
      infinite: 31,
      count: 30_000 - 62,
      numeric: { min: -25, max: 24 },
    });
    expect(profiles[1]).toEqual(profiles[0]);
  });

  it('reads a ;-separated decimal-comma file with delimiter and decimal, or from the contract, and names decimal when unset', async () => {
    const floats = 'columns:\n  id: { type: int }\n  x: { type: float }\n';
    const cwd = dataFolder({
      'd.csv': 'id;x\n1;13,52\n2;-0,5\n',
      'contract.yml': floats,
      'set.yml': `dataset: { delimiter: ';', decimal: ',' }\n${floats}`,
    });
    const comma = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'd.csv', contract: 'contract.yml' },
    });
    expect(comma.annotations[0]!.message).toMatch(
      /^d\.csv:1: the header is one column that contains semicolons; the file looks ";"-separated: set delimiter: ';'$/,
    );
    const point = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'd.csv', contract: 'contract.yml', delimiter: ';' },
    });
    expect(point.annotations[0]!.message).toBe(
      "x: type: values that are not a float: they look like numbers with a decimal comma; set decimal: ',' (with a delimiter other than ',') (value \"13,52\"); 2 row(s) in all",
    );
    for (const inputs of [
      { contract: 'contract.yml', delimiter: ';', decimal: ',' },
      { contract: 'set.yml' },
    ] as Record<string, string>[]) {
      const result = await runAction({ action: 'validate-data', cwd, inputs: { data: 'd.csv', ...inputs } });
      expect(result.exitCode, result.stdout).toBe(0);
      const x = JSON.parse(readFileSync(join(cwd, 'mlgate-reports/profile.json'), 'utf8')).columns.find(
        (c: { name: string }) => c.name === 'x',
      );
      expect(x.numeric).toMatchObject({ min: -0.5, max: 13.52 });
    }
  });

  it('mlgate infer-contract types a column with inf and NaN in it as float, and the profile counts the infinities apart', async () => {
    const cwd = dataFolder({ 'd.csv': 'id,x\n1,1.5\n2,inf\n3,-2\n4,NaN\n5,-Infinity\n' });
    expect((await runCli(['infer-contract', 'd.csv', '--output', 'c.yml'], { cwd })).exitCode).toBe(0);
    expect(readFileSync(join(cwd, 'c.yml'), 'utf8')).toMatch(/x:\n\s+type: float/);
    const checked = await runCli(['validate-data', 'd.csv', '--contract', 'c.yml'], { cwd });
    expect(checked.exitCode, checked.stdout + checked.stderr).toBe(0);
    const x = JSON.parse(readFileSync(join(cwd, 'mlgate-reports/profile.json'), 'utf8')).columns.find(
      (c: { name: string }) => c.name === 'x',
    );
    expect(x).toMatchObject({
      type: 'float',
      count: 2,
      nulls: 1,
      invalid: 0,
      infinite: 2,
      numeric: { min: -2, max: 1.5 },
    });
  });

  it('mlgate infer-contract takes the same options and records them in the drafted contract', async () => {
    const cwd = dataFolder({ 'd.txt': 'id;x\n1;13,52\n2;-0,5\n' });
    const drafted = await runCli(
      ['infer-contract', 'd.txt', '--format', 'csv', '--delimiter', ';', '--decimal', ',', '--output', 'c.yml'],
      { cwd },
    );
    expect(drafted.exitCode, drafted.stderr).toBe(0);
    const text = readFileSync(join(cwd, 'c.yml'), 'utf8');
    expect(text).toMatch(/x:\n\s+type: float/);
    expect(text).toMatch(/decimal: ","/);
    const checked = await runCli(['validate-data', 'd.txt', '--contract', 'c.yml'], { cwd });
    expect(checked.exitCode, checked.stderr).toBe(0);
  });
});
