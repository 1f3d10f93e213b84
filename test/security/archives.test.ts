import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installOnnxruntime, MAX_TARBALL_BYTES, type OnnxruntimePin } from '../../src/io/onnx/install-onnxruntime.js';
import { unpackArchive } from '../../src/io/zip-archive.js';
import { crc32 } from '../../src/io/crc32.js';
import { actionBundleFolder } from '../support/bundles.js';
import { GitHubEmulator } from '../support/emulator/server.js';
import { teacherLayers, writeClassificationCsv, writeModel } from '../support/models.js';
import { BUILD_PIN } from '../support/onnxruntime-cache.js';
import { runAction } from '../support/run-action.js';
import { tarball } from '../support/tarball.js';

/**
 * Archives come from places a pull request or a registry mirror controls: run artifacts (a baseline model, the
 * reports a comment is built from) and the onnxruntime-node tarball. Their headers are not to be believed.
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
    writeModel(join(cwd, 'good.onnx'), {
      features: ['f0', 'f1', 'f2'],
      classes: ['a', 'b', 'c'],
      layers: teacherLayers(3, 3),
      output: 'softmax',
    });
    const repository = `acme/zip-${runId}`;
    // A run of the default branch, whose artifacts evaluate accepts as a baseline.
    github.addRun(repository, { id: runId, event: 'push', headBranch: 'main' });
    github.addArtifact(repository, runId, 'mlgate-model', zip);
    return runAction({
      action: 'evaluate',
      cwd,
      token: GitHubEmulator.WRITE_TOKEN,
      apiUrl: github.apiUrl,
      env: { GITHUB_REPOSITORY: repository },
      inputs: { model: 'good.onnx', baseline: `artifact:${runId}/mlgate-model`, data: 'data.csv', label: 'label' },
    });
  }

  function baselineModel(): Buffer {
    const folder = mkdtempSync(join(tmpdir(), 'mlgate-model-'));
    writeModel(join(folder, 'm.onnx'), {
      features: ['f0', 'f1', 'f2'],
      classes: ['a', 'b', 'c'],
      layers: teacherLayers(3, 3, 2),
      output: 'softmax',
    });
    return readFileSync(join(folder, 'm.onnx'));
  }

  it('refuses an entry that inflates past the size its header declares, naming the archive and the entry', async () => {
    const model = baselineModel();
    // The model, then 64 MB of zeros that the header does not declare (a 64 KB deflate stream).
    const zip = craftZip('model.onnx', Buffer.concat([model, Buffer.alloc(64 * 1024 * 1024)]), {
      size: model.length,
      crc: crc32(model),
    });
    const started = performance.now();
    const result = await evaluateWithArtifact(zip, 4301);
    expect(result.exitCode, 'the entry was cut short to its declared size and used').toBe(1);
    expect(result.annotations.at(-1)!.message).toBe(
      `artifact mlgate-model of run 4301: entry "model.onnx" inflates to more than the ${model.length} bytes its header declares; the archive is damaged or was tampered with, and was not unpacked`,
    );
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('refuses an entry whose CRC-32 does not match, naming the archive and the entry', async () => {
    const model = baselineModel();
    const crc = crc32(model);
    const result = await evaluateWithArtifact(
      craftZip('model.onnx', model, { size: model.length, crc: crc ^ 1 }),
      4302,
    );
    expect(result.exitCode, 'an entry failing its CRC-32 was used').toBe(1);
    expect(result.annotations.at(-1)!.message).toBe(
      `artifact mlgate-model of run 4302: entry "model.onnx" has CRC-32 ${crc.toString(16).padStart(8, '0')}, not the ${(crc ^ 1).toString(16).padStart(8, '0')} its header declares; the archive is damaged or was tampered with, and was not unpacked`,
    );
  });

  it('refuses an entry shorter than its header declares', () => {
    const text = Buffer.from('{"schema":"mlgate/eval-report@1"}');
    const zip = craftZip('r.json', text, { size: text.length + 100, crc: crc32(text) });
    expect(() => unpackArchive(zip, 'artifact r', { maxBytes: 10_000, maxEntries: 5, keep: () => true })).toThrow(
      `artifact r: entry "r.json" inflates to ${text.length} bytes, not the ${text.length + 100} bytes its header declares`,
    );
  });
});

describe('the onnxruntime-node tarball', () => {
  const VERSION = BUILD_PIN.node.version;
  /** How the registry answers the next request for the tarball. */
  let answer: (response: ServerResponse) => void = (response) => response.writeHead(404).end();
  let registry: string;
  const open = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    open.add(response);
    response.on('close', () => open.delete(response));
    // The same answer for both packages' tarballs.
    if (request.url?.endsWith('.tgz')) answer(response);
    else response.writeHead(404).end();
  });
  beforeAll(async () => {
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    for (const response of open) response.destroy();
    return new Promise<void>((done) => server.close(() => done()));
  });

  /** Every file under a folder, by path. */
  const filesUnder = (folder: string): string[] =>
    existsSync(folder)
      ? readdirSync(folder, { recursive: true, withFileTypes: true })
          .filter((d) => d.isFile())
          .map((d) => join(d.parentPath, d.name))
      : [];

  it('is not unpacked, not one file, before its integrity is checked (evaluate bundle, registry mirror serving another tarball)', async () => {
    // A tarball that is not the pinned one: package.json first, then 8 MB that gzip cannot shrink. The registry
    // sends half of it and holds the connection open.
    const noise = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < noise.length; i += 64) createHash('sha512').update(String(i)).digest().copy(noise, i);
    const bytes = tarball([
      {
        name: 'package/package.json',
        data: '{"name":"onnxruntime-node","version":"0.0.0-evil","main":"dist/index.js"}',
      },
      { name: 'package/dist/index.js', data: noise },
    ]);
    let sent!: () => void;
    const halfSent = new Promise<void>((done) => (sent = done));
    answer = (response) => {
      response.writeHead(200, { 'content-length': bytes.length });
      response.write(bytes.subarray(0, bytes.length / 2), () => sent());
    };
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-eval-'));
    writeClassificationCsv(join(cwd, 'data.csv'), 50, 3, ['a', 'b', 'c']);
    writeModel(join(cwd, 'm.onnx'), {
      features: ['f0', 'f1', 'f2'],
      classes: ['a', 'b', 'c'],
      layers: teacherLayers(3, 3),
      output: 'softmax',
    });
    const isolated = mkdtempSync(join(tmpdir(), 'mlgate-isolated-'));
    cpSync(actionBundleFolder('evaluate'), join(isolated, 'evaluate'), { recursive: true });
    const toolCache = mkdtempSync(join(tmpdir(), 'mlgate-toolcache-'));
    const run = runAction({
      action: 'evaluate',
      cwd,
      bundle: join(isolated, 'evaluate', 'index.js'),
      env: { RUNNER_TOOL_CACHE: toolCache, npm_config_registry: registry },
      inputs: { model: 'm.onnx', baseline: 'none', data: 'data.csv', label: 'label' },
    });
    await halfSent;
    // Time for the bundle to unpack what it has been sent, if it unpacks before checking.
    await new Promise((done) => setTimeout(done, 1500));
    expect(filesUnder(toolCache), 'files of an unverified tarball were written to the tool cache').toEqual([]);
    for (const response of open) response.destroy();
    const result = await run;
    expect(result.exitCode).toBe(1);
    expect(filesUnder(toolCache)).toEqual([]);
  });

  /** A pin naming one file of a crafted tarball, with the tarball's own integrity. */
  function pinFor(bytes: Buffer, files: Record<string, string>): OnnxruntimePin {
    const integrity = `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
    return {
      node: { name: 'onnxruntime-node', version: VERSION, integrity, files },
      common: { name: 'onnxruntime-common', version: VERSION, integrity, files: {} },
    };
  }

  it('refuses a tarball with the wrong integrity and leaves the target folder empty', async () => {
    const bytes = tarball([{ name: 'package/package.json', data: '{}' }]);
    answer = (response) => response.writeHead(200, { 'content-length': bytes.length }).end(bytes);
    const cacheRoot = mkdtempSync(join(tmpdir(), 'mlgate-toolcache-'));
    const pin = pinFor(tarball([{ name: 'package/package.json', data: '{"another":1}' }]), {
      'package.json': '0'.repeat(64),
    });
    await expect(installOnnxruntime({ pin, cacheRoot, registry })).rejects.toThrow(/failed its integrity check/);
    expect(filesUnder(cacheRoot)).toEqual([]);
  });

  it('refuses a download that says it is larger than the cap, before reading it', async () => {
    answer = (response) => {
      response.writeHead(200, { 'content-length': MAX_TARBALL_BYTES + 1 });
      response.write(Buffer.alloc(1024));
    };
    const cacheRoot = mkdtempSync(join(tmpdir(), 'mlgate-toolcache-'));
    await expect(installOnnxruntime({ pin: BUILD_PIN, cacheRoot, registry })).rejects.toThrow(
      `onnxruntime-node@${VERSION} from ${registry} is larger than ${MAX_TARBALL_BYTES} bytes, far more than the published tarball; refusing it`,
    );
    expect(filesUnder(cacheRoot)).toEqual([]);
  }, 10_000);

  it('stops reading a download without a length as soon as it passes the cap', async () => {
    let written = 0;
    answer = (response) => {
      response.writeHead(200);
      const more = () => {
        while (written < 64 * 1024 * 1024 && response.write(Buffer.alloc(64 * 1024))) written += 64 * 1024;
        if (written < 64 * 1024 * 1024) response.once('drain', more);
        else response.end();
      };
      more();
    };
    const cacheRoot = mkdtempSync(join(tmpdir(), 'mlgate-toolcache-'));
    await expect(
      installOnnxruntime({ pin: BUILD_PIN, cacheRoot, registry, maxTarballBytes: 1024 * 1024 }),
    ).rejects.toThrow(/is larger than 1048576 bytes/);
    expect(written).toBeLessThan(64 * 1024 * 1024);
    expect(filesUnder(cacheRoot)).toEqual([]);
  });

  it('gives unpacked files their tar mode, never world-writable, setuid or executable where the tar does not say so', async () => {
    const files = {
      'package.json': '{"name":"onnxruntime-node","version":"1"}',
      'dist/index.js': 'module.exports = {};',
      [`bin/napi-v6/${process.platform}/${process.arch}/lib.so`]: 'library',
      [`bin/napi-v6/${process.platform}/${process.arch}/tool`]: 'tool',
    };
    const modes: Record<string, number> = {
      'package.json': 0o666,
      'dist/index.js': 0o644,
      [`bin/napi-v6/${process.platform}/${process.arch}/lib.so`]: 0o777,
      [`bin/napi-v6/${process.platform}/${process.arch}/tool`]: 0o4755,
    };
    const bytes = tarball(
      Object.entries(files).map(([path, data]) => ({ name: `package/${path}`, data, mode: modes[path] })),
    );
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    const pin = pinFor(bytes, Object.fromEntries(Object.entries(files).map(([path, data]) => [path, sha(data)])));
    answer = (response) => response.writeHead(200, { 'content-length': bytes.length }).end(bytes);
    const cacheRoot = mkdtempSync(join(tmpdir(), 'mlgate-toolcache-'));
    const dir = await installOnnxruntime({ pin, cacheRoot, registry });
    const modeOf = (path: string) =>
      (statSync(join(dir, 'node_modules', 'onnxruntime-node', path)).mode & 0o7777).toString(8);
    expect(Object.fromEntries(Object.keys(files).map((path) => [path, modeOf(path)]))).toEqual({
      'package.json': '644',
      'dist/index.js': '644',
      [`bin/napi-v6/${process.platform}/${process.arch}/lib.so`]: '755',
      [`bin/napi-v6/${process.platform}/${process.arch}/tool`]: '755',
    });
  });
});
