import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/logger.js';
import { installOnnxruntime, type OnnxruntimePin } from '../../src/io/onnx/install-onnxruntime.js';
import { findOnnxruntime } from '../../src/io/onnx/load-onnxruntime.js';
import { MANIFEST_FILE } from '../../src/io/onnx/onnxruntime-manifest.js';
import { actionBundleFolder } from '../support/bundles.js';
import { teacherLayers, writeClassificationCsv, writeModel } from '../support/models.js';
import { BUILD_PIN, copyPinnedFiles, fillToolCache, sha256Of } from '../support/onnxruntime-cache.js';
import { ROOT, runAction } from '../support/run-action.js';

/**
 * The tool cache outlives the job that filled it: on a shared self-hosted runner any later job (a pull request's
 * code included) can write to RUNNER_TOOL_CACHE. A file edited there must never be loaded by the next run.
 */

const NATIVE = `node_modules/onnxruntime-node/bin/napi-v6/${process.platform}/${process.arch}`;
const LIBRARY = `${NATIVE}/${process.platform === 'linux' ? 'libonnxruntime.so.1' : process.platform === 'darwin' ? 'libonnxruntime.1.dylib' : 'onnxruntime.dll'}`;
const BINDING = `${NATIVE}/onnxruntime_binding.node`;

/** An npm tarball of this repository's copy of a package (this platform's native files only). */
function packTarball(name: string): Buffer {
  const staging = mkdtempSync(join(tmpdir(), 'mlgate-pack-'));
  const native = `/bin/napi-v6/${process.platform}/${process.arch}`;
  cpSync(join(ROOT, 'node_modules', name), join(staging, 'package'), {
    recursive: true,
    filter: (path) =>
      !path.includes('/bin/napi-v6/') || path.includes(native) || /\/bin\/napi-v6(\/[^/]+)?$/.test(path),
  });
  const packed = spawnSync('tar', ['-czf', join(staging, 'package.tgz'), '-C', staging, 'package'], {
    env: { ...process.env, GZIP: '-1' },
  });
  if (packed.status !== 0) throw new Error(`tar failed: ${packed.stderr}`);
  return readFileSync(join(staging, 'package.tgz'));
}

const integrity = (bytes: Buffer) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => {}, debug: () => {}, error: () => {}, warning: (message) => warnings.push(message) };
}

let server: Server;
let registry: string;
let pin: OnnxruntimePin;
const requests: string[] = [];

beforeAll(async () => {
  const node = packTarball('onnxruntime-node');
  const common = packTarball('onnxruntime-common');
  // The build's pin (its file hashes are node_modules') with the integrity of these tarballs.
  pin = {
    node: { ...BUILD_PIN.node, integrity: integrity(node) },
    common: { ...BUILD_PIN.common, integrity: integrity(common) },
  };
  const served = new Map([
    [`/onnxruntime-node/-/onnxruntime-node-${pin.node.version}.tgz`, node],
    [`/onnxruntime-common/-/onnxruntime-common-${pin.common.version}.tgz`, common],
  ]);
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const body = served.get(request.url ?? '');
    if (!body) return response.writeHead(404).end();
    response.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe('a tampered tool cache', () => {
  it.each([
    ['an edited native library', (dir: string) => appendFileSync(join(dir, LIBRARY), 'tampered')],
    ['an edited native binding', (dir: string) => appendFileSync(join(dir, BINDING), 'tampered')],
    [
      'an edited JavaScript file',
      (dir: string) =>
        appendFileSync(join(dir, 'node_modules/onnxruntime-node/dist/index.js'), '\nglobalThis.tampered = true;\n'),
    ],
    [
      'an added file',
      (dir: string) => writeFileSync(join(dir, NATIVE, 'libonnxruntime_providers_shared.so'), 'tampered'),
    ],
    [
      'an edited library whose manifest was edited to match',
      (dir: string) => {
        appendFileSync(join(dir, LIBRARY), 'tampered');
        const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
        manifest.files[LIBRARY] = sha256Of(join(dir, LIBRARY));
        writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest));
      },
    ],
  ])('is not loaded by the next run (%s): it is removed and downloaded again', async (_, tamper) => {
    const cacheRoot = mkdtempSync(join(tmpdir(), 'mlgate-toolcache-'));
    const dir = await installOnnxruntime({ pin, cacheRoot, registry });
    const pristine = sha256Of(join(dir, LIBRARY));
    tamper(dir);

    const before = requests.length;
    const logger = recordingLogger();
    const ort = await findOnnxruntime({
      pin,
      cacheRoot,
      registry,
      logger,
      resolveFrom: pathToFileURL(join(cacheRoot, 'index.js')),
    });
    expect(requests.length, 'the tampered copy was loaded instead of downloading the pinned one again').toBe(
      before + 2,
    );
    expect(ort.source).toBe(`tool cache ${dir} (downloaded)`);
    expect(logger.warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^onnxruntime-node in the tool cache at ${dir} fails verification \\(.+\\); not loading it: removing it and downloading the pinned copy again$`,
        ),
      ),
    ]);
    expect(sha256Of(join(dir, LIBRARY))).toBe(pristine);
    expect(existsSync(join(dir, NATIVE, 'libonnxruntime_providers_shared.so'))).toBe(false);
  });

  it('is refused by the evaluate bundle, which says why and removes it, and fails clearly where it cannot download', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-eval-'));
    const features = ['f0', 'f1', 'f2'];
    writeClassificationCsv(join(cwd, 'data.csv'), 200, 3, ['a', 'b', 'c']);
    writeModel(join(cwd, 'm.onnx'), {
      features,
      classes: ['a', 'b', 'c'],
      layers: teacherLayers(3, 3),
      output: 'softmax',
    });
    // A copy of the bundle with no node_modules above it, as on a runner.
    const isolated = mkdtempSync(join(tmpdir(), 'mlgate-isolated-'));
    cpSync(actionBundleFolder('evaluate'), join(isolated, 'evaluate'), { recursive: true });
    const toolCache = mkdtempSync(join(tmpdir(), 'mlgate-toolcache-'));
    const installed = fillToolCache(toolCache);
    const run = () =>
      runAction({
        action: 'evaluate',
        cwd,
        bundle: join(isolated, 'evaluate', 'index.js'),
        env: { RUNNER_TOOL_CACHE: toolCache, npm_config_registry: 'http://127.0.0.1:9' },
        inputs: { model: 'm.onnx', baseline: 'none', data: 'data.csv', label: 'label' },
      });

    const clean = await run();
    expect(clean.exitCode, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).toContain(`from tool cache ${installed}`);

    appendFileSync(join(installed, LIBRARY), 'tampered');
    const tampered = await run();
    expect(tampered.exitCode, tampered.stdout).toBe(1);
    expect(tampered.annotations.map((a) => `${a.level}: ${a.message}`)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^warning: onnxruntime-node in the tool cache at ${installed} fails verification \\(${LIBRARY.replace(/\./g, '\\.')} has SHA-256 [0-9a-f]{64}, not the pinned release's [0-9a-f]{64}\\)`,
        ),
      ),
      expect.stringMatching(
        /^error: cannot download onnxruntime-node@[\d.]+ from http:\/\/127\.0\.0\.1:9 .*set onnxruntime-path$/,
      ),
    ]);
    expect(existsSync(installed)).toBe(false);
  });

  it('loads the freshly installed native files with the modes the tarball gives them (0644: no exec bit is needed)', async () => {
    const cacheRoot = mkdtempSync(join(tmpdir(), 'mlgate-toolcache-'));
    const dir = await installOnnxruntime({ pin, cacheRoot, registry });
    for (const file of [LIBRARY, BINDING]) expect((statSync(join(dir, file)).mode & 0o7777).toString(8)).toBe('644');
    const ort = await findOnnxruntime({
      pin,
      cacheRoot,
      registry,
      resolveFrom: pathToFileURL(join(cacheRoot, 'index.js')),
    });
    expect(ort.source).toBe(`tool cache ${dir}`);
    const model = join(cacheRoot, 'm.onnx');
    writeModel(model, { features: ['a', 'b', 'c'], layers: teacherLayers(3, 3), output: 'softmax' });
    const session = await ort.InferenceSession.create(model);
    await session.release();
  });
});

describe('copies of onnxruntime-node that mlgate did not install', () => {
  it("passes over one planted in a node_modules folder above the action (a shared runner's work folder) for the tool cache", async () => {
    // On a runner the action sits in <work>/_actions/<owner>/<repo>/<ref>/dist/evaluate; any job can write
    // <work>/node_modules.
    const work = mkdtempSync(join(tmpdir(), 'mlgate-work-'));
    copyPinnedFiles(work);
    appendFileSync(join(work, LIBRARY), 'tampered');
    const action = join(work, '_actions', 'acme', 'mlgate', 'v1', 'dist', 'evaluate');
    mkdirSync(action, { recursive: true });
    const cacheRoot = mkdtempSync(join(tmpdir(), 'mlgate-toolcache-'));
    const installed = fillToolCache(cacheRoot);
    const logger = recordingLogger();
    const ort = await findOnnxruntime({
      pin: BUILD_PIN,
      cacheRoot,
      registry,
      logger,
      resolveFrom: pathToFileURL(join(action, 'index.js')),
    });
    expect(ort.source, 'the planted copy was loaded').toBe(`tool cache ${installed}`);
    expect(logger.warnings).toEqual([
      `Not loading onnxruntime-node from ${join(work, 'node_modules', 'onnxruntime-node')}: ${LIBRARY.replace('node_modules/onnxruntime-node/', '')} has SHA-256 ${sha256Of(join(work, LIBRARY))}, not the pinned release's ${BUILD_PIN.node.files[LIBRARY.replace('node_modules/onnxruntime-node/', '')]}. Using the pinned copy in the tool cache instead`,
    ]);
  });

  it('passes over an unchanged copy above the action whose native folder holds one library more (loaded with it)', async () => {
    const work = mkdtempSync(join(tmpdir(), 'mlgate-work-'));
    copyPinnedFiles(work);
    // libonnxruntime.so.1 finds the libraries it needs beside itself first (RUNPATH $ORIGIN): a planted librt.so.1
    // runs.
    writeFileSync(join(dirname(join(work, LIBRARY)), 'librt.so.1'), "a library of the attacker's");
    const action = join(work, '_actions', 'acme', 'mlgate', 'v1', 'dist', 'evaluate');
    mkdirSync(action, { recursive: true });
    const cacheRoot = mkdtempSync(join(tmpdir(), 'mlgate-toolcache-'));
    const installed = fillToolCache(cacheRoot);
    const logger = recordingLogger();
    const ort = await findOnnxruntime({
      pin: BUILD_PIN,
      cacheRoot,
      registry,
      logger,
      resolveFrom: pathToFileURL(join(action, 'index.js')),
    });
    expect(ort.source, 'the planted copy was loaded').toBe(`tool cache ${installed}`);
    expect(logger.warnings).toEqual([
      expect.stringMatching(
        /^Not loading onnxruntime-node from .*: bin\/napi-v6\/\w+\/\w+ holds librt\.so\.1, which the pinned release does not, and which would be loaded with it\. Using the pinned copy/,
      ),
    ]);
  });

  it('refuses an onnxruntime-path copy of the pinned version whose files were changed, naming the file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mlgate-preinstalled-'));
    copyPinnedFiles(folder);
    appendFileSync(join(folder, BINDING), 'tampered');
    await expect(
      findOnnxruntime({ pin: BUILD_PIN, path: folder, resolveFrom: pathToFileURL(join(folder, 'index.js')) }),
    ).rejects.toThrow(
      new RegExp(
        `^onnxruntime-path ${folder} is not onnxruntime-node ${BUILD_PIN.node.version.replace(/\./g, '\\.')} as published \\(bin/napi-v6/.*/onnxruntime_binding\\.node has SHA-256 [0-9a-f]{64}, not the pinned release's [0-9a-f]{64}\\); refusing to load it`,
      ),
    );
  });

  it('loads an onnxruntime-path copy of another version as the workflow chose it, and says it is not checked', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mlgate-preinstalled-'));
    copyPinnedFiles(folder);
    const manifest = join(folder, 'node_modules', 'onnxruntime-node', 'package.json');
    writeFileSync(
      manifest,
      readFileSync(manifest, 'utf8').replace(`"version": "${BUILD_PIN.node.version}"`, '"version": "1.29.9"'),
    );
    const infos: string[] = [];
    const ort = await findOnnxruntime({
      pin: BUILD_PIN,
      path: folder,
      logger: { ...recordingLogger(), info: (m) => infos.push(m) },
    });
    expect(ort.version).toBe('1.29.9');
    expect(infos).toEqual([
      `onnxruntime-path ${folder} holds onnxruntime-node 1.29.9, not the pinned ${BUILD_PIN.node.version}: loaded as it is, without checking its files`,
    ]);
  });
});
