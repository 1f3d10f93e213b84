import { describe, expect, it } from 'vitest';
import type { MetricComparison } from '../../../../src/core/documents.js';
import { computeDetectableEffect } from '../../../../src/core/gate/detectable-effect.js';
import { evaluateGate, parseTolerance, type GatePolicy } from '../../../../src/core/gate/evaluate-gate.js';
import { holm } from '../../../../src/core/stats/holm.js';

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
    [
      'a value above the minimum',
      [accuracy(0.8, 0.85)],
      policy({ accuracy: { min: 0.8 } }),
      true,
      /accuracy is 0\.85, at or above the minimum 0\.8/,
    ],
    [
      'a value below the minimum',
      [accuracy(0.8, 0.75)],
      policy({ accuracy: { min: 0.8 } }),
      false,
      /accuracy is 0\.75, below the minimum 0\.8/,
    ],
    [
      'a loss above the maximum',
      [logLoss(0.5, 0.9)],
      policy({ log_loss: { max: 0.8 } }),
      false,
      /log_loss is 0\.9, above the maximum 0\.8/,
    ],
    [
      'a drop within the absolute tolerance',
      [accuracy(0.8, 0.795)],
      policy({ accuracy: { maxDrop: { value: 0.01, relative: false } } }),
      true,
      /within the allowed 0\.01/,
    ],
    [
      'a drop beyond the absolute tolerance',
      [accuracy(0.8, 0.78)],
      policy({ accuracy: { maxDrop: { value: 0.01, relative: false } } }),
      false,
      /accuracy fell by 0\.02, more than the allowed 0\.01/,
    ],
    [
      'a drop beyond a relative tolerance',
      [accuracy(0.8, 0.78)],
      policy({ accuracy: { maxDrop: { value: 0.02, relative: true } } }),
      false,
      /more than the allowed 2% \(0\.016\)/,
    ],
    [
      'a rise in loss within tolerance',
      [logLoss(0.5, 0.52)],
      policy({ log_loss: { maxRise: { value: 0.05, relative: false } } }),
      true,
      /within the allowed 0\.05/,
    ],
    [
      'a rise in loss beyond tolerance',
      [logLoss(0.5, 0.6)],
      policy({ log_loss: { maxRise: { value: 0.05, relative: false } } }),
      false,
      /log_loss rose by 0\.1, more than the allowed 0\.05/,
    ],
    [
      'significant-only: a drop whose interval reaches back within tolerance passes',
      [accuracy(0.8, 0.78, [-0.05, 0.01])],
      policy({ accuracy: { maxDrop: { value: 0.01, relative: false } } }, true),
      true,
      /not significantly beyond the allowed 0\.01/,
    ],
    [
      'significant-only: a drop whose whole interval lies beyond tolerance fails',
      [accuracy(0.8, 0.7, [-0.12, -0.08])],
      policy({ accuracy: { maxDrop: { value: 0.01, relative: false } } }, true),
      false,
      /accuracy fell by 0\.1 \(95% interval of the change 0\.08 to 0\.12\), significantly more than the allowed 0\.01/,
    ],
    [
      'no baseline: change rules are not checked',
      [accuracy(null, 0.7)],
      policy({ accuracy: { maxDrop: { value: 0.01, relative: false } } }),
      true,
      /no baseline: max-drop of accuracy not checked/,
    ],
    [
      'no change at all: unchanged, not "improved by 0"',
      [accuracy(0.8, 0.8)],
      policy({ accuracy: { maxDrop: { value: 0.01, relative: false } } }),
      true,
      /^accuracy is unchanged$/,
    ],
    [
      'no change, judged by its interval: unchanged',
      [accuracy(0.8, 0.8, [-0.01, 0.01])],
      policy({ accuracy: { maxDrop: { value: 0.02, relative: false } } }, true),
      true,
      /^accuracy is unchanged/,
    ],
    [
      'a metric the policy names but nobody measured',
      [accuracy(0.8, 0.8)],
      policy({ f1_macro: { min: 0.5 } }),
      false,
      /the policy names f1_macro, which was not measured/,
    ],
  ])('%s', (_, comparisons, gatePolicy, passed, reason) => {
    const gate = evaluateGate(comparisons, gatePolicy);
    expect(gate.passed).toBe(passed);
    expect(gate.checks.map((c) => c.reason).join(' | ')).toMatch(reason);
  });

  it('records an override label as a pass, with who applied it; a passing gate records none', () => {
    const failing = evaluateGate([accuracy(0.8, 0.6)], policy({ accuracy: { min: 0.8 } }), {
      override: { label: 'mlgate-override', applied_by: 'octocat' },
    });
    expect(failing).toMatchObject({ passed: true, override: { label: 'mlgate-override', applied_by: 'octocat' } });
    expect(failing.checks[0]!.passed).toBe(false);
    expect(
      evaluateGate([accuracy(0.8, 0.9)], policy({ accuracy: { min: 0.8 } }), { override: { label: 'mlgate-override' } })
        .override,
    ).toBeNull();
  });

  it('says when there is no baseline at all', () => {
    expect(evaluateGate([accuracy(null, 0.9)], policy({ accuracy: { min: 0.8 } })).baseline_missing).toBe(true);
  });
});

describe('what a holdout can detect', () => {
  it('reads the standard error off the 95% interval; 2.80 standard errors are detected with 80% power', () => {
    // SE = 0.06 / (2 × 1.959964) = 0.0153064; MDE = (1.959964 + 0.841621) × SE = 0.0428822; 900 × (MDE / 0.01)² =
    // 16549.9.
    const effect = computeDetectableEffect(-0.03, 0.03, 0.01, 900);
    expect(effect.standardError).toBeCloseTo(0.0153064, 6);
    expect(effect.detectable).toBeCloseTo(0.0428822, 6);
    expect(effect.rowsNeeded).toBe(16550);
    expect(computeDetectableEffect(-0.03, 0.03, 0, 900).rowsNeeded).toBeUndefined();
  });

  const tolerance = { maxDrop: { value: 0.01, relative: false } };
  it('marks a change rule underpowered when the detectable drop exceeds the tolerance, in words a reviewer acts on', () => {
    const gate = evaluateGate(
      [accuracy(0.8, 0.79, [-0.045, 0.025])],
      { metrics: { accuracy: tolerance }, significantOnly: true },
      { rows: 900 },
    );
    expect(gate.passed).toBe(true);
    expect(gate.checks[0]).toMatchObject({
      status: 'underpowered',
      decision: 'lenient',
      passed: true,
      rows_needed: 22527,
    });
    expect(gate.checks[0]!.detectable).toBeCloseTo(0.05003, 4);
    expect(gate.checks[0]!.reason).toBe(
      'accuracy fell by 0.01; not significantly beyond the allowed 0.01; underpowered: this holdout can detect drops of 0.05003 or more, the policy tolerates 0.01; about 23,000 rows would be needed',
    );
    // underpowered: fail turns the warning into a failed check.
    const strict = evaluateGate(
      [accuracy(0.8, 0.79, [-0.045, 0.025])],
      { metrics: { accuracy: tolerance }, significantOnly: true, underpowered: 'fail' },
      { rows: 900 },
    );
    expect([strict.passed, strict.checks[0]!.status]).toEqual([false, 'underpowered']);
    // A small holdout that shows the change within the tolerance, or beyond it, has seen enough.
    expect(
      evaluateGate(
        [accuracy(0.8, 0.86, [0.03, 0.09])],
        { metrics: { accuracy: tolerance }, significantOnly: true },
        { rows: 300 },
      ).checks[0],
    ).toMatchObject({ status: 'passed', passed: true });
    expect(
      evaluateGate(
        [accuracy(0.8, 0.74, [-0.09, -0.03])],
        { metrics: { accuracy: tolerance }, significantOnly: true },
        { rows: 300 },
      ).checks[0],
    ).toMatchObject({ status: 'failed', passed: false });
    // A narrow interval: the tolerance is within reach.
    expect(
      evaluateGate([accuracy(0.8, 0.8, [-0.004, 0.004])], { metrics: { accuracy: tolerance }, significantOnly: true })
        .checks[0],
    ).toMatchObject({ status: 'passed', passed: true });
  });

  it.each<[string, GatePolicy['rule'], [number, [number, number]], boolean]>([
    [
      'lenient passes a drop whose interval reaches back within the tolerance',
      'lenient',
      [0.785, [-0.022, -0.008]],
      true,
    ],
    ['lenient fails a drop whose whole interval is beyond it', 'lenient', [0.77, [-0.037, -0.023]], false],
    [
      'non-inferiority fails a drop not significantly within the tolerance',
      'non-inferiority',
      [0.797, [-0.012, 0.004]],
      false,
    ],
    ['non-inferiority passes a change significantly within it', 'non-inferiority', [0.801, [-0.006, 0.008]], true],
    [
      'point fails a significant drop whose point value is beyond the tolerance',
      'point',
      [0.785, [-0.022, -0.008]],
      false,
    ],
    ['point passes a significant drop within the tolerance', 'point', [0.795, [-0.009, -0.001]], true],
    ['point passes a drop beyond the tolerance that is not significant', 'point', [0.785, [-0.022, 0.001]], true],
  ])('%s', (_, rule, [candidate, ci], passed) => {
    const gate = evaluateGate([accuracy(0.8, candidate, ci)], {
      metrics: { accuracy: tolerance },
      significantOnly: true,
      rule,
    });
    expect(gate.checks[0]).toMatchObject({ decision: rule, passed });
  });

  it("corrects several gated metrics with Holm's method, unless the policy says none", () => {
    // Each drop alone is just significantly beyond the tolerance (one-sided p = 0.023 for each), but not both together.
    const f1 = { ...accuracy(0.8, 0.78, [-0.0298, -0.0102]), metric: 'f1_macro' };
    const comparisons = [accuracy(0.8, 0.78, [-0.0298, -0.0102]), f1];
    const metrics = { accuracy: tolerance, f1_macro: tolerance };
    const corrected = evaluateGate(comparisons, { metrics, significantOnly: true });
    expect(corrected.passed).toBe(true);
    expect(corrected.checks[0]!.p_adjusted).toBeGreaterThan(0.025);
    expect(corrected.checks[0]!.reason).toMatch(
      /not significant after Holm's correction across 2 gated metrics \(adjusted p = 0\.04\d*\)$/,
    );
    const uncorrected = evaluateGate(comparisons, { metrics, significantOnly: true, correction: 'none' });
    expect(uncorrected.passed).toBe(false);
    expect(uncorrected.checks.every((c) => c.p_adjusted === undefined)).toBe(true);
    // One gated metric: its interval decides, as without correction.
    expect(evaluateGate([comparisons[0]!], { metrics: { accuracy: tolerance }, significantOnly: true }).passed).toBe(
      false,
    );
  });

  it('never fails a check that its interval passes, where the normal approximation disagrees with the bootstrap', () => {
    // A skewed interval: the drop is not significantly beyond 0.01 (the interval reaches -0.009), though a normal
    // approximation from its width would say it is.
    const skewed = accuracy(0.8, 0.75, [-0.06, -0.009]);
    const other = { ...accuracy(0.8, 0.8, [-0.01, 0.01]), metric: 'f1_macro' };
    const metrics = { accuracy: tolerance, f1_macro: tolerance };
    expect(evaluateGate([skewed, other], { metrics, significantOnly: true, correction: 'none' }).passed).toBe(true);
    expect(evaluateGate([skewed, other], { metrics, significantOnly: true }).passed).toBe(true);
  });
});

describe('holm', () => {
  it('adjusts p-values as statsmodels multipletests(method="holm")', () => {
    // statsmodels.stats.multitest.multipletests([0.01, 0.04, 0.03, 0.005], method='holm')[1] = [0.03, 0.06, 0.06, 0.02]
    expect(holm([0.01, 0.04, 0.03, 0.005]).map((p) => Number(p.toFixed(12)))).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(holm([0.5, 0.9])).toEqual([1, 1]);
    expect(holm([])).toEqual([]);
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
