import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ONNXRUNTIME_PIN } from 'virtual:mlgate-onnxruntime-pin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installOnnxruntime, type OnnxruntimePin } from '../../../../src/io/onnx/install-onnxruntime.js';
import { findOnnxruntime } from '../../../../src/io/onnx/load-onnxruntime.js';
import { openModel } from '../../../../src/io/onnx/onnx-model.js';
import { teacherLayers, writeModel } from '../../../support/models.js';
import { ROOT } from '../../../support/run-action.js';

/**
 * npm tarballs of this repository's onnxruntime-node (this platform's native files only, to keep the test quick)
 * and onnxruntime-common, served by a local registry: the download, the integrity check and the unpacking run for
 * real, and the unpacked copy runs a real inference.
 */
function packTarball(name: string, filter: (path: string) => boolean): Buffer {
  const staging = mkdtempSync(join(tmpdir(), 'mlgate-pack-'));
  cpSync(join(ROOT, 'node_modules', name), join(staging, 'package'), { recursive: true, filter });
  const tgz = join(staging, 'package.tgz');
  const packed = spawnSync('tar', ['-czf', tgz, '-C', staging, 'package'], { env: { ...process.env, GZIP: '-1' } });
  if (packed.status !== 0) throw new Error(`tar failed: ${packed.stderr}`);
  return readFileSync(tgz);
}

const integrity = (bytes: Buffer) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
const VERSION = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8'))
  .version as string;

let server: Server;
let registry: string;
let pin: OnnxruntimePin;
const served = new Map<string, Buffer>();
const requests: string[] = [];

beforeAll(async () => {
  const native = `/bin/napi-v6/${process.platform}/${process.arch}`;
  const node = packTarball(
    'onnxruntime-node',
    (path) =>
      !path.includes('/bin/napi-v6/') ||
      path.endsWith('/bin/napi-v6') ||
      path.includes(native) ||
      /\/bin\/napi-v6\/[^/]+$/.test(path) ||
      /\/bin$/.test(path),
  );
  const common = packTarball('onnxruntime-common', () => true);
  // The build's pin, with the integrity of these tarballs: their files are node_modules', as the pin records them.
  pin = {
    node: { ...ONNXRUNTIME_PIN.node, integrity: integrity(node) },
    common: { ...ONNXRUNTIME_PIN.common, integrity: integrity(common) },
  };
  served.set(`/onnxruntime-node/-/onnxruntime-node-${VERSION}.tgz`, node);
  served.set(`/onnxruntime-common/-/onnxruntime-common-${VERSION}.tgz`, common);
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const body = served.get(request.url ?? '');
    if (!body) return response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe('fetching onnxruntime-node into the tool cache', () => {
  it('downloads, verifies and unpacks only this platform, then loads it and runs a model', async () => {
    const cacheRoot = mkdtempSync(join(tmpdir(), 'mlgate-toolcache-'));
    const dir = await installOnnxruntime({ pin, cacheRoot, registry });
    expect(dir).toBe(join(cacheRoot, 'mlgate-onnxruntime-node', VERSION, process.arch));
    expect(readdirSync(join(dir, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6'))).toEqual([process.platform]);
    expect(existsSync(join(dir, 'node_modules', 'onnxruntime-node', 'lib'))).toBe(false);
    expect(readdirSync(join(cacheRoot, 'mlgate-onnxruntime-node', VERSION))).toEqual([process.arch]);

    // No node_modules above the resolving file, as for a bundle on a runner: the tool cache is used, not fetched again.
    const before = requests.length;
    const ort = await findOnnxruntime({
      pin,
      cacheRoot,
      registry,
      resolveFrom: pathToFileURL(join(cacheRoot, 'index.js')),
    });
    expect(requests.length).toBe(before);
    expect(ort.source).toBe(`tool cache ${dir}`);
    const folder = mkdtempSync(join(tmpdir(), 'mlgate-model-'));
    const path = writeModel(join(folder, 'm.onnx'), {
      features: ['a', 'b', 'c'],
      layers: teacherLayers(3, 3),
      output: 'softmax',
    });
    const model = await openModel(ort, path, 'm.onnx');
    const output = await model.run(new Float32Array([1, 0, 0, 0, 0, 1]), 2, 3);
    await model.release();
    expect(output.dims).toEqual([2, 3]);
    expect(output.data[0]).toBeGreaterThan(0.9);
    expect(output.data[5]).toBeGreaterThan(0.9);
  });

  it('refuses a tarball that does not match the pinned integrity, and leaves nothing in the cache', async () => {
    const cacheRoot = mkdtempSync(join(tmpdir(), 'mlgate-toolcache-'));
    const tampered = { ...pin, node: { ...pin.node, integrity: integrity(Buffer.from('another tarball')) } };
    await expect(installOnnxruntime({ pin: tampered, cacheRoot, registry })).rejects.toThrow(
      /^onnxruntime-node@[\d.]+ from http:\/\/127\.0\.0\.1:\d+ failed its integrity check \(expected sha512-.*, got sha512-.*\); refusing to load it/,
    );
    expect(readdirSync(join(cacheRoot, 'mlgate-onnxruntime-node', VERSION))).toEqual([]);
  });

  it('says what to do when the registry cannot be reached or lacks the package', async () => {
    const cacheRoot = mkdtempSync(join(tmpdir(), 'mlgate-toolcache-'));
    mkdirSync(cacheRoot, { recursive: true });
    await expect(installOnnxruntime({ pin, cacheRoot, registry: 'http://127.0.0.1:9' })).rejects.toThrow(
      /^cannot download onnxruntime-node@[\d.]+ from http:\/\/127\.0\.0\.1:9 .*set onnxruntime-path$/,
    );
    const missing = { ...pin, node: { ...pin.node, version: '0.0.1' } };
    await expect(installOnnxruntime({ pin: missing, cacheRoot, registry })).rejects.toThrow(
      /answered 404; set npm_config_registry to a registry that has it, or set onnxruntime-path/,
    );
  });
});
