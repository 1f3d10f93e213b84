import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeConverterModel, type ConverterCase } from '../../../support/converter-models.js';
import { ROOT } from '../../../support/run-action.js';

const PYTHON = '/usr/bin/python3';
const hasOnnx = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0;

describe('converter-layout test models', () => {
  it.skipIf(!hasOnnx)(
    'pass the ONNX checker (onnx.checker.check_model; its full check cannot infer the map type of ZipMap in onnx 1.12)',
    () => {
      const fixtures = JSON.parse(
        readFileSync(join(ROOT, 'test', 'fixtures', 'converters', 'fixtures.json'), 'utf8'),
      ) as { features: number; cases: ConverterCase[] };
      const folder = mkdtempSync(join(tmpdir(), 'mlgate-converter-check-'));
      const paths = fixtures.cases.map((c, i) => {
        const path = join(folder, `${i}.onnx`);
        writeFileSync(path, writeConverterModel(c, fixtures.features));
        return path;
      });
      const check = spawnSync(
        PYTHON,
        ['-c', 'import onnx, sys\nfor p in sys.argv[1:]: onnx.checker.check_model(onnx.load(p))', ...paths],
        { encoding: 'utf8' },
      );
      expect(check.status, check.stderr).toBe(0);
    },
  );
});
