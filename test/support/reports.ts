import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DriftReport, EvalReport, TrainReport, ValidationReport } from '../../src/core/documents.js';

/** Small, valid reports of each kind, to be varied per test. */
export function validationReport(overrides: Partial<ValidationReport> = {}): ValidationReport {
  return {
    schema: 'mlgate/validation-report@1',
    created_at: '2026-11-01T00:00:00Z',
    passed: false,
    fail_on: 'error',
    contract: { path: 'contract.yml', inferred: false },
    dataset: { files: [{ path: 'data/train.csv', rows: 1000 }], rows: 1000, columns: 6 },
    summary: { errors: 1, warnings: 1, rules_checked: 24 },
    violations: [
      {
        column: 'temp_max',
        rule: 'max',
        severity: 'error',
        count: 3,
        fraction: 0.003,
        message: 'values above 45',
        examples: [{ file: 'data/train.csv', line: 17, value: 51.2 }],
      },
      {
        column: 'weather',
        rule: 'allowed',
        severity: 'warning',
        count: 1,
        message: 'value not in the allowed set',
        examples: [{ file: 'data/train.csv', line: 88, value: 'hail' }],
      },
    ],
    ...overrides,
  };
}

export function evalReport(overrides: Partial<EvalReport> = {}): EvalReport {
  return {
    schema: 'mlgate/eval-report@1',
    created_at: '2026-11-01T00:00:00Z',
    task: 'classification',
    data: { rows: 2000, label: 'weather' },
    candidate: { path: 'model.onnx', metrics: { accuracy: { value: 0.81, ci_low: 0.79, ci_high: 0.83 } } },
    baseline: {
      path: 'baseline.onnx',
      source: 'release:latest (model-v1.2.0)',
      metrics: { accuracy: { value: 0.8, ci_low: 0.78, ci_high: 0.82 } },
    },
    comparisons: [
      {
        metric: 'accuracy',
        higher_is_better: true,
        baseline: 0.8,
        candidate: 0.81,
        difference: 0.01,
        ci_low: -0.004,
        ci_high: 0.024,
        significant: false,
      },
    ],
    gate: {
      passed: true,
      checks: [
        {
          metric: 'accuracy',
          rule: 'max-drop',
          threshold: 0.02,
          observed: 0.01,
          passed: true,
          reason: 'accuracy changed by +0.01, within the allowed drop of 0.02',
        },
      ],
    },
    ...overrides,
  };
}

export function driftReport(overrides: Partial<DriftReport> = {}): DriftReport {
  return {
    schema: 'mlgate/drift-report@1',
    created_at: '2026-11-01T00:00:00Z',
    reference: { source: 'release:latest', rows: 1461 },
    current: { source: 'data/current.csv', rows: 365 },
    dataset_drift: false,
    drift_share: 0.5,
    features: [
      { column: 'precipitation', kind: 'numeric', test: 'wasserstein', statistic: 0.02, threshold: 0.1, status: 'ok' },
      { column: 'wind', kind: 'numeric', test: 'wasserstein', statistic: 0.14, threshold: 0.1, status: 'drift' },
    ],
    ...overrides,
  };
}

export function trainReport(overrides: Partial<TrainReport> = {}): TrainReport {
  return {
    schema: 'mlgate/train-report@1',
    created_at: '2026-11-01T00:00:00Z',
    command: 'python train.py',
    status: 'succeeded',
    exit_code: 0,
    duration_seconds: 754,
    gpu: {
      devices: [{ name: 'NVIDIA H100 80GB HBM3', memory_total_mib: 81559 }],
      utilization_percent: { mean: 87, max: 100 },
      memory_used_mib: { mean: 30000, max: 41000 },
    },
    metrics: { loss: 0.31, accuracy: 0.81 },
    ...overrides,
  };
}

/** Writes documents as files named after their keys into a fresh folder, which it returns. */
export function writeReports(documents: Record<string, unknown>): string {
  const folder = mkdtempSync(join(tmpdir(), 'mlgate-reports-'));
  for (const [name, document] of Object.entries(documents))
    writeFileSync(join(folder, name), typeof document === 'string' ? document : JSON.stringify(document, null, 2));
  return folder;
}
