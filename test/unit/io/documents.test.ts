import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentError, parseDocument, writeDocument } from '../../../src/io/documents.js';
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
    ['a missing field', JSON.stringify({ ...trainReport(), command: undefined }), 'r.json: invalid train-report: (document root): missing required property "command"'],
    ['a wrong enum', JSON.stringify({ ...trainReport(), status: 'meh' }), '/status: must be one of "succeeded", "failed", "timed_out"'],
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
    await expect(writeDocument(join(folder, 'b.json'), { ...trainReport(), status: 'nope' } as never)).rejects.toThrow(/status/);
  });
});
