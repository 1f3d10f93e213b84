import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/run-action.js';
import { runCli } from '../support/run-cli.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'parquet');

/**
 * A profile or report as compared across readers: without the time it was made, the contract's path, or the folder
 * the data was read from (the documents name files as the user did).
 */
function comparable(path: string): Record<string, unknown> {
  const document = JSON.parse(readFileSync(path, 'utf8'));
  delete document.created_at;
  if (document.contract) delete document.contract.path;
  for (const file of document.dataset.files) file.path = file.path.split('/').at(-1);
  return document;
}

function sha256(document: unknown): string {
  return createHash('sha256').update(JSON.stringify(document)).digest('hex');
}

/** Runs validate-data on a fixture copied into a fresh folder, with `args`; returns the folder. */
async function validate(
  data: string,
  args: readonly string[],
  threads = '2',
): Promise<{ cwd: string; exitCode: number | null }> {
  const cwd = mkdtempSync(join(tmpdir(), 'mlgate-parquet-'));
  copyFileSync(data, join(cwd, data.split('/').at(-1)!));
  const result = await runCli(
    [
      'validate-data',
      '--data',
      data.split('/').at(-1)!,
      '--report',
      'report.json',
      '--profile',
      'profile.json',
      ...args,
    ],
    { cwd, env: { MLGATE_THREADS: threads } },
  );
  return { cwd, exitCode: result.exitCode };
}

// The golden documents were written by the reader that decoded every value into a JavaScript array (the reference
// path, still used for nested columns): the typed reader must give exactly the same counts, moments, histograms,
// categories, seeded sample and violations with their rows.
describe('Parquet documents are those of the reference reader', () => {
  const mixed = join(FIXTURES, 'mixed.parquet');

  it.each([
    ['one thread', '1'],
    ['two threads', '2'],
  ])('a contract the data meets, read on %s', async (_, threads) => {
    const { cwd, exitCode } = await validate(
      mixed,
      ['--contract', join(FIXTURES, 'mixed-contract.yml'), '--sample-size', '500'],
      threads,
    );
    expect(exitCode).toBe(0);
    expect(comparable(join(cwd, 'profile.json'))).toEqual(
      comparable(join(FIXTURES, 'golden', 'contract-profile.json')),
    );
    expect(comparable(join(cwd, 'report.json'))).toEqual(comparable(join(FIXTURES, 'golden', 'contract-report.json')));
  });

  it('a contract that reads every column as a type it is not, and bounds the data crosses', async () => {
    const { cwd, exitCode } = await validate(mixed, [
      '--contract',
      join(FIXTURES, 'strict-contract.yml'),
      '--sample-size',
      '500',
    ]);
    expect(exitCode).toBe(1);
    expect(comparable(join(cwd, 'profile.json'))).toEqual(comparable(join(FIXTURES, 'golden', 'strict-profile.json')));
    expect(comparable(join(cwd, 'report.json'))).toEqual(comparable(join(FIXTURES, 'golden', 'strict-report.json')));
  });

  it('a contract drafted from the data (every column sniffed first)', async () => {
    const { cwd, exitCode } = await validate(mixed, [
      '--infer',
      'true',
      '--contract',
      'drafted.yml',
      '--sample-size',
      '500',
    ]);
    expect(exitCode).toBe(0);
    expect(comparable(join(cwd, 'profile.json'))).toEqual(
      comparable(join(FIXTURES, 'golden', 'inferred-profile.json')),
    );
    const drafted = readFileSync(join(cwd, 'drafted.yml'), 'utf8').split('\n').slice(2).join('\n');
    expect(drafted).toBe(readFileSync(join(FIXTURES, 'mixed-contract.yml'), 'utf8').split('\n').slice(2).join('\n'));
  });

  // vega-datasets' flights-3m.parquet (3,000,000 rows, 11 row groups, ZSTD, dictionary-encoded): the SHA-256 of the
  // documents the reference reader wrote with the contract infer-contract drafts (the profile is 4.8 MB).
  it('flights-3m.parquet', async () => {
    const data = join(ROOT, 'node_modules', 'vega-datasets', 'data', 'flights-3m.parquet');
    const { cwd, exitCode } = await validate(data, ['--contract', join(FIXTURES, 'flights-contract.yml')]);
    expect(exitCode).toBe(0);
    expect(sha256(comparable(join(cwd, 'profile.json')))).toBe(
      '80edb699c9ca8f0157d5270d0eb2d5cdc2e3b406bf1898b1281ed2b7309b091d',
    );
    expect(sha256(comparable(join(cwd, 'report.json')))).toBe(
      '4e21864e150fba0e8c81ef3ec99742ca557286946995af1537358345dc4ec51d',
    );
  });
});
