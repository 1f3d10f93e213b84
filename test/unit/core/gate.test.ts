import { describe, expect, it } from 'vitest';
import type { MetricComparison } from '../../../src/core/documents.js';
import { evaluateGate, parseTolerance, type GatePolicy } from '../../../src/core/gate/evaluate-gate.js';

const accuracy = (baseline: number | null, candidate: number, ci?: [number, number]): MetricComparison => ({
  metric: 'accuracy',
  higher_is_better: true,
  baseline,
  candidate,
  difference: baseline === null ? null : candidate - baseline,
  ...(ci ? { ci_low: ci[0], ci_high: ci[1] } : {}),
});
const logLoss = (baseline: number, candidate: number, ci?: [number, number]): MetricComparison => ({
  metric: 'log_loss',
  higher_is_better: false,
  baseline,
  candidate,
  difference: candidate - baseline,
  ...(ci ? { ci_low: ci[0], ci_high: ci[1] } : {}),
});
const policy = (metrics: GatePolicy['metrics'], significantOnly = false): GatePolicy => ({ metrics, significantOnly });

describe('evaluateGate', () => {
  it.each<[string, MetricComparison[], GatePolicy, boolean, RegExp]>([
    ['a value above the minimum', [accuracy(0.8, 0.85)], policy({ accuracy: { min: 0.8 } }), true, /accuracy is 0\.85, at or above the minimum 0\.8/],
    ['a value below the minimum', [accuracy(0.8, 0.75)], policy({ accuracy: { min: 0.8 } }), false, /accuracy is 0\.75, below the minimum 0\.8/],
    ['a loss above the maximum', [logLoss(0.5, 0.9)], policy({ log_loss: { max: 0.8 } }), false, /log_loss is 0\.9, above the maximum 0\.8/],
    ['a drop within the absolute tolerance', [accuracy(0.8, 0.795)], policy({ accuracy: { maxDrop: { value: 0.01, relative: false } } }), true, /within the allowed 0\.01/],
    ['a drop beyond the absolute tolerance', [accuracy(0.8, 0.78)], policy({ accuracy: { maxDrop: { value: 0.01, relative: false } } }), false, /accuracy fell by 0\.02, more than the allowed 0\.01/],
    ['a drop beyond a relative tolerance', [accuracy(0.8, 0.78)], policy({ accuracy: { maxDrop: { value: 0.02, relative: true } } }), false, /more than the allowed 2% \(0\.016\)/],
    ['a rise in loss within tolerance', [logLoss(0.5, 0.52)], policy({ log_loss: { maxRise: { value: 0.05, relative: false } } }), true, /within the allowed 0\.05/],
    ['a rise in loss beyond tolerance', [logLoss(0.5, 0.6)], policy({ log_loss: { maxRise: { value: 0.05, relative: false } } }), false, /log_loss rose by 0\.1, more than the allowed 0\.05/],
    ['significant-only: a drop whose interval reaches back within tolerance passes', [accuracy(0.8, 0.78, [-0.05, 0.01])], policy({ accuracy: { maxDrop: { value: 0.01, relative: false } } }, true), true, /not significantly beyond the allowed 0\.01/],
    ['significant-only: a drop whose whole interval lies beyond tolerance fails', [accuracy(0.8, 0.7, [-0.12, -0.08])], policy({ accuracy: { maxDrop: { value: 0.01, relative: false } } }, true), false, /accuracy fell by 0\.1 \(95% interval of the change 0\.08 to 0\.12\), significantly more than the allowed 0\.01/],
    ['no baseline: change rules are not checked', [accuracy(null, 0.7)], policy({ accuracy: { maxDrop: { value: 0.01, relative: false } } }), true, /no baseline: max-drop of accuracy not checked/],
    ['a metric the policy names but nobody measured', [accuracy(0.8, 0.8)], policy({ f1_macro: { min: 0.5 } }), false, /the policy names f1_macro, which was not measured/],
  ])('%s', (_, comparisons, gatePolicy, passed, reason) => {
    const gate = evaluateGate(comparisons, gatePolicy);
    expect(gate.passed).toBe(passed);
    expect(gate.checks.map((c) => c.reason).join(' | ')).toMatch(reason);
  });

  it('records an override label as a pass, with who applied it; a passing gate records none', () => {
    const failing = evaluateGate([accuracy(0.8, 0.6)], policy({ accuracy: { min: 0.8 } }), { override: { label: 'mlgate-override', applied_by: 'octocat' } });
    expect(failing).toMatchObject({ passed: true, override: { label: 'mlgate-override', applied_by: 'octocat' } });
    expect(failing.checks[0]!.passed).toBe(false);
    expect(evaluateGate([accuracy(0.8, 0.9)], policy({ accuracy: { min: 0.8 } }), { override: { label: 'mlgate-override' } }).override).toBeNull();
  });

  it('says when there is no baseline at all', () => {
    expect(evaluateGate([accuracy(null, 0.9)], policy({ accuracy: { min: 0.8 } })).baseline_missing).toBe(true);
  });
});

describe('parseTolerance', () => {
  it.each([
    ['0.01', { value: 0.01, relative: false }],
    ['2%', { value: 0.02, relative: true }],
    [0.5, { value: 0.5, relative: false }],
    ['-1', undefined],
    ['two', undefined],
  ])('%s', (text, expected) => {
    expect(parseTolerance(text)).toEqual(expected);
  });
});
