import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpackArchive } from '../../src/io/zip-archive.js';
import { crc32 } from '../../src/io/crc32.js';
import { GitHubEmulator } from '../support/emulator/server.js';
import { teacherLayers, writeClassificationCsv, writeModel } from '../support/models.js';
import { runAction } from '../support/run-action.js';

/**
 * Archives come from places a pull request controls: run artifacts (a baseline model, the reports a comment is
 * built from). Their headers are not to be believed.
 */

/** A zip of one deflated entry whose headers declare `declared` (size and CRC-32) whatever `payload` really is. */
function craftZip(name: string, payload: Uint8Array, declared: { size: number; crc: number }): Uint8Array {
  const data = deflateRawSync(payload);
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(declared.crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(declared.size, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(declared.crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(declared.size, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const directoryAt = local.length + nameBytes.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(directoryAt, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}

describe('zip archives of run artifacts', () => {
  let github: GitHubEmulator;
  beforeAll(async () => {
    github = await new GitHubEmulator().start();
  });
  afterAll(() => github.stop());

  /** The evaluate bundle with `artifact:<run>/mlgate-model` as baseline, the artifact being `zip`. */
  async function evaluateWithArtifact(zip: Uint8Array, runId: number) {
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-eval-'));
    writeClassificationCsv(join(cwd, 'data.csv'), 300, 3, ['a', 'b', 'c']);
    writeModel(join(cwd, 'good.onnx'), { features: ['f0', 'f1', 'f2'], classes: ['a', 'b', 'c'], layers: teacherLayers(3, 3), output: 'softmax' });
    const repository = `acme/zip-${runId}`;
    github.addArtifact(repository, runId, 'mlgate-model', zip);
    return runAction({ action: 'evaluate', cwd, token: GitHubEmulator.WRITE_TOKEN, apiUrl: github.apiUrl, env: { GITHUB_REPOSITORY: repository }, inputs: { model: 'good.onnx', baseline: `artifact:${runId}/mlgate-model`, data: 'data.csv', label: 'label' } });
  }

  function baselineModel(): Buffer {
    const folder = mkdtempSync(join(tmpdir(), 'mlgate-model-'));
    writeModel(join(folder, 'm.onnx'), { features: ['f0', 'f1', 'f2'], classes: ['a', 'b', 'c'], layers: teacherLayers(3, 3, 2), output: 'softmax' });
    return readFileSync(join(folder, 'm.onnx'));
  }

  it('refuses an entry that inflates past the size its header declares, naming the archive and the entry', async () => {
    const model = baselineModel();
    // The model, then 64 MB of zeros that the header does not declare (a 64 KB deflate stream).
    const zip = craftZip('model.onnx', Buffer.concat([model, Buffer.alloc(64 * 1024 * 1024)]), { size: model.length, crc: crc32(model) });
    const started = performance.now();
    const result = await evaluateWithArtifact(zip, 4301);
    expect(result.exitCode, 'the entry was cut short to its declared size and used').toBe(1);
    expect(result.annotations.at(-1)!.message).toBe(`artifact mlgate-model of run 4301: entry "model.onnx" inflates to more than the ${model.length} bytes its header declares; the archive is damaged or was tampered with, and was not unpacked`);
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('refuses an entry whose CRC-32 does not match, naming the archive and the entry', async () => {
    const model = baselineModel();
    const crc = crc32(model);
    const result = await evaluateWithArtifact(craftZip('model.onnx', model, { size: model.length, crc: crc ^ 1 }), 4302);
    expect(result.exitCode, 'an entry failing its CRC-32 was used').toBe(1);
    expect(result.annotations.at(-1)!.message).toBe(`artifact mlgate-model of run 4302: entry "model.onnx" has CRC-32 ${crc.toString(16).padStart(8, '0')}, not the ${(crc ^ 1).toString(16).padStart(8, '0')} its header declares; the archive is damaged or was tampered with, and was not unpacked`);
  });

  it('refuses an entry shorter than its header declares', () => {
    const text = Buffer.from('{"schema":"mlgate/eval-report@1"}');
    const zip = craftZip('r.json', text, { size: text.length + 100, crc: crc32(text) });
    expect(() => unpackArchive(zip, 'artifact r', { maxBytes: 10_000, maxEntries: 5, keep: () => true })).toThrow(`artifact r: entry "r.json" inflates to ${text.length} bytes, not the ${text.length + 100} bytes its header declares`);
  });
});
