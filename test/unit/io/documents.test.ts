import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentError, parseDocument, writeDocument } from '../../../src/io/documents.js';
import { encodeProfile } from '../../../src/io/profile-encoding.js';
import type { Profile } from '../../../src/core/profile/profile.js';
import { driftReport, evalReport, trainReport, validationReport } from '../../support/reports.js';

describe('parseDocument', () => {
  it.each([
    ['validation-report', validationReport()],
    ['eval-report', evalReport()],
    ['drift-report', driftReport()],
    ['train-report', trainReport()],
  ])('accepts a valid %s', async (kind, document) => {
    expect((await parseDocument(JSON.stringify(document), 'r.json')).kind).toBe(kind);
  });

  it.each([
    ['empty text', '', 'r.json: invalid JSON (the file is empty)'],
    ['a cut-off file', '{"schema": "mlgate/eval-report@1"', 'r.json: invalid JSON (expected'],
    ['a trailing comma', '{\n  "a": 1,\n}', 'at line 3, column 1'],
    ['an array', '[]', 'r.json: not an mlgate document'],
    [
      'a missing field',
      JSON.stringify({ ...trainReport(), command: undefined }),
      'r.json: invalid train-report: (document root): missing required property "command"',
    ],
    [
      'a wrong enum',
      JSON.stringify({ ...trainReport(), status: 'meh' }),
      '/status: must be one of "succeeded", "failed", "timed_out"',
    ],
    [
      'a kind named like an Object.prototype property',
      '{"schema": "mlgate/constructor@1"}',
      'r.json: unknown document schema "mlgate/constructor@1"; expected one of',
    ],
  ])('refuses %s with one line naming the file and the place', async (_, text, message) => {
    let error: unknown;
    try {
      await parseDocument(text, 'r.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DocumentError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('writeDocument', () => {
  it('writes a valid document and refuses an invalid one before touching the file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mlgate-doc-'));
    await writeDocument(join(folder, 'a', 'train-report.json'), trainReport());
    expect(JSON.parse(readFileSync(join(folder, 'a', 'train-report.json'), 'utf8')).status).toBe('succeeded');
    await expect(writeDocument(join(folder, 'b.json'), { ...trainReport(), status: 'nope' } as never)).rejects.toThrow(
      /status/,
    );
  });

  it('writes a compact document byte for byte as JSON.stringify would, long samples included', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mlgate-doc-'));
    const rows = 30_000;
    const sample = (i: number) => (i % 97 === 0 ? null : i % 2 ? i / 7 : -i * 1e-9);
    const profile = {
      schema: 'mlgate/profile@1',
      created_at: '2026-01-01T00:00:00.000Z',
      dataset: { files: [{ path: 'a "quoted" name.csv', rows }], rows },
      sample: { size: rows, seed: 1, priorities: Array.from({ length: rows }, (_, i) => i * 2 ** 30 + 0.5 * (i % 3)) },
      columns: [
        {
          name: 'x',
          type: 'float',
          count: rows,
          nulls: 0,
          invalid: 0,
          sample: Array.from({ length: rows }, (_, i) => sample(i)),
        },
        {
          name: 'é\n"c"',
          type: 'string',
          count: rows,
          nulls: 0,
          invalid: 0,
          sample: Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? null : `v${i % 11}\u2028`)),
        },
      ],
    };
    await writeDocument(join(folder, 'profile.json'), profile, { compact: true });
    // A profile is written with its samples encoded (see profile-encoding.ts): the rest as JSON.stringify writes it.
    expect(readFileSync(join(folder, 'profile.json'), 'utf8')).toBe(
      `${JSON.stringify(encodeProfile(profile as unknown as Profile))}\n`,
    );
  });

  it('writes a deferred text sample by ids as JSON.stringify would, a text larger than the write buffer included', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mlgate-doc-'));
    const texts = ['a "b"', 'x'.repeat(1_500_000), 'é\n'];
    const ids = [0, -1, 1, 2, 1, 0];
    const values = ids.map((id) => (id < 0 ? null : texts[id]!));
    const document = (sample: unknown[]) => ({
      schema: 'mlgate/profile@1',
      created_at: '2026-01-01T00:00:00.000Z',
      dataset: { files: [{ path: 'a.csv', rows: ids.length }], rows: ids.length },
      sample: { size: ids.length, seed: 1, priorities: ids.map((_, i) => i) },
      columns: [{ name: 'c', type: 'string', count: 5, nulls: 1, invalid: 0, sample }],
    });
    const deferred: unknown[] = [];
    const sample = {
      length: ids.length,
      slice: () => {
        throw new Error('a text sample with ids is written from them');
      },
      ids: (start: number, end: number, into: Int32Array) => (
        into.set(ids.slice(start, end)), into.subarray(0, Math.min(end, ids.length) - start)
      ),
      texts,
    };
    await writeDocument(join(folder, 'profile.json'), document(deferred), {
      compact: true,
      deferred: new Map([[deferred, sample]]),
    });
    expect(readFileSync(join(folder, 'profile.json'), 'utf8')).toBe(
      `${JSON.stringify(encodeProfile(document(values) as unknown as Profile))}\n`,
    );
  });
});
