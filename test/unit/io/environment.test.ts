import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_DEFAULTS, ENVIRONMENT_VARIABLES, readMlgateEnvironment } from '../../../src/io/environment.js';

const defaults = { threads: Math.min(availableParallelism(), 4), ...ENVIRONMENT_DEFAULTS };

describe('readMlgateEnvironment', () => {
  it('gives every default when nothing is set', () => {
    expect(readMlgateEnvironment({})).toEqual(defaults);
    expect(ENVIRONMENT_DEFAULTS).toEqual({
      debug: false,
      parallelMinBytes: 48 * 1024 * 1024,
      scoreMinBytes: 8 * 1024 * 1024,
      rankMinRows: 100_000,
    });
  });

  it.each([
    ['MLGATE_THREADS', '3', { threads: 3 }],
    ['MLGATE_THREADS', '1', { threads: 1 }],
    ['MLGATE_DEBUG', '1', { debug: true }],
    ['MLGATE_DEBUG', 'no', { debug: true }],
    ['MLGATE_PARALLEL_MIN_BYTES', '1000', { parallelMinBytes: 1000 }],
    ['MLGATE_PARALLEL_MIN_BYTES', '0.5', { parallelMinBytes: 0.5 }],
    ['MLGATE_SCORE_MIN_BYTES', '1', { scoreMinBytes: 1 }],
    ['MLGATE_RANK_MIN_ROWS', '1', { rankMinRows: 1 }],
  ])('reads %s=%s', (name, value, read) => {
    expect(readMlgateEnvironment({ [name]: value })).toEqual({ ...defaults, ...read });
  });

  it.each([
    ['MLGATE_THREADS', '0'],
    ['MLGATE_THREADS', '2.5'],
    ['MLGATE_THREADS', 'many'],
    ['MLGATE_DEBUG', ''],
    ['MLGATE_PARALLEL_MIN_BYTES', '-1'],
    ['MLGATE_SCORE_MIN_BYTES', 'Infinity'],
    ['MLGATE_RANK_MIN_ROWS', '10.5'],
    ['MLGATE_RANK_MIN_ROWS', ''],
  ])('ignores %s=%j, as if unset', (name, value) => {
    expect(readMlgateEnvironment({ [name]: value })).toEqual(defaults);
  });

  it('names one variable per setting, each MLGATE_*', () => {
    expect(Object.keys(ENVIRONMENT_VARIABLES).sort()).toEqual(Object.keys(defaults).sort());
    for (const name of Object.values(ENVIRONMENT_VARIABLES)) expect(name).toMatch(/^MLGATE_[A-Z_]+$/);
  });

  it('documents every variable in the README', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.split('## Environment variables\n')[1]!.split('\n## ')[0]!;
    for (const name of Object.values(ENVIRONMENT_VARIABLES)) expect(section).toContain(`| \`${name}\` |`);
  });
});
