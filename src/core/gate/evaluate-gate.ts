import type { EvalReport, GateCheck, MetricComparison, SliceResult } from '../documents.js';

/** A tolerated change: absolute (0.01) or relative to the baseline (2% is 0.02 of it). */
export interface Tolerance {
  value: number;
  relative: boolean;
}

/** The rules on one metric: value thresholds, and change thresholds against the baseline. */
export interface MetricRule {
  min?: number;
  max?: number;
  /** For metrics where higher is better: how far the candidate may fall below the baseline. */
  maxDrop?: Tolerance;
  /** For metrics where lower is better (loss, latency): how far the candidate may rise above the baseline. */
  maxRise?: Tolerance;
}

export interface GatePolicy {
  metrics: Record<string, MetricRule>;
  /** Rules every slice must meet (slices have no intervals: change rules compare point values). */
  slices?: Record<string, MetricRule>;
  /** Fail a change rule only when the whole confidence interval of the difference lies beyond the tolerance. */
  significantOnly: boolean;
}

export interface GateContext {
  /** Who applied the override label, when the pull request carries it. */
  override?: { label: string; applied_by?: string };
}

/**
 * Judges a candidate against the policy, TFMA's semantics made simple: value thresholds always apply; change
 * thresholds apply when there is a baseline (the first model has none, and the report says so). With
 * significant-only, a change fails only when its 95% interval lies entirely beyond the tolerance, so noise does not
 * fail a pull request. An override label turns a failure into a recorded pass.
 */
export function evaluateGate(comparisons: readonly MetricComparison[], policy: GatePolicy, context: GateContext = {}, slices: readonly SliceResult[] = []): EvalReport['gate'] {
  const checks: GateCheck[] = [];
  const baselineMissing = comparisons.every((c) => c.baseline === null);
  for (const [metric, rule] of Object.entries(policy.metrics)) {
    const comparison = comparisons.find((c) => c.metric === metric && c.slice == null);
    if (!comparison || comparison.candidate === null) {
      checks.push({ metric, rule: 'present', passed: false, reason: `the policy names ${metric}, which was not measured` });
      continue;
    }
    checks.push(...metricChecks(metric, rule, comparison, policy.significantOnly));
  }
  for (const slice of slices) {
    const name = `${slice.column} = ${slice.value}`;
    for (const [metric, rule] of Object.entries(policy.slices ?? {})) {
      const candidate = slice.candidate[metric]?.value ?? null;
      const baseline = slice.baseline?.[metric]?.value ?? null;
      if (candidate === null) continue;
      const comparison: MetricComparison = { metric, slice: name, higher_is_better: rule.maxRise === undefined, baseline, candidate, difference: baseline === null ? null : candidate - baseline };
      for (const check of metricChecks(metric, rule, comparison, false)) checks.push({ ...check, slice: name, reason: `slice ${name}: ${check.reason}` });
    }
  }
  const passed = checks.every((c) => c.passed);
  return {
    passed: passed || context.override !== undefined,
    baseline_missing: baselineMissing,
    override: !passed && context.override ? context.override : null,
    checks,
  };
}

/** The checks of one metric's rules: value thresholds, then change thresholds when there is a baseline. */
function metricChecks(metric: string, rule: MetricRule, comparison: MetricComparison, significantOnly: boolean): GateCheck[] {
  const checks: GateCheck[] = [];
  const value = comparison.candidate!;
  if (rule.min !== undefined) checks.push({ metric, rule: 'min', threshold: rule.min, observed: value, passed: value >= rule.min, reason: `${metric} is ${fmt(value)}, ${value >= rule.min ? 'at or above' : 'below'} the minimum ${fmt(rule.min)}` });
  if (rule.max !== undefined) checks.push({ metric, rule: 'max', threshold: rule.max, observed: value, passed: value <= rule.max, reason: `${metric} is ${fmt(value)}, ${value <= rule.max ? 'at or below' : 'above'} the maximum ${fmt(rule.max)}` });
  for (const [name, tolerance, sign] of [
    ['max-drop', rule.maxDrop, -1],
    ['max-rise', rule.maxRise, 1],
  ] as const) {
    if (!tolerance) continue;
    if (comparison.baseline === null || comparison.difference === null) {
      checks.push({ metric, rule: name, passed: true, reason: `no baseline: ${name} of ${metric} not checked` });
      continue;
    }
    checks.push(changeCheck(metric, name, sign, tolerance, comparison, significantOnly));
  }
  return checks;
}

/** A change rule: the change (in the bad direction) must stay within the tolerance. */
function changeCheck(metric: string, rule: 'max-drop' | 'max-rise', sign: 1 | -1, tolerance: Tolerance, c: MetricComparison, significantOnly: boolean): GateCheck {
  const allowed = tolerance.relative ? tolerance.value * Math.abs(c.baseline!) : tolerance.value;
  // The change in the bad direction: a drop for max-drop, a rise for max-rise.
  const change = sign * c.difference!;
  const verb = rule === 'max-drop' ? 'fell' : 'rose';
  const tolerated = `${tolerance.relative ? `${fmt(tolerance.value * 100)}% (${fmt(allowed)})` : fmt(allowed)}`;
  let passed: boolean;
  let reason: string;
  if (significantOnly && c.ci_low != null && c.ci_high != null) {
    // The interval of the change in the bad direction: significant only if even its best case is too large.
    const bestCase = sign === -1 ? -c.ci_high : c.ci_low;
    const worstCase = sign === -1 ? -c.ci_low : c.ci_high;
    passed = bestCase <= allowed;
    reason = passed
      ? change <= 0
        ? `${metric} improved by ${fmt(-change)}`
        : `${metric} ${verb} by ${fmt(change)}; not significantly beyond the allowed ${tolerated}`
      : `${metric} ${verb} by ${fmt(change)} (95% interval of the change ${fmt(bestCase)} to ${fmt(worstCase)}), significantly more than the allowed ${tolerated}`;
  } else {
    passed = change <= allowed;
    reason = passed ? (change <= 0 ? `${metric} improved by ${fmt(-change)}` : `${metric} ${verb} by ${fmt(change)}, within the allowed ${tolerated}`) : `${metric} ${verb} by ${fmt(change)}, more than the allowed ${tolerated}`;
  }
  return { metric, rule, threshold: allowed, observed: change, passed, reason };
}

/** A tolerance from its text: `0.01` is absolute, `2%` relative to the baseline. */
export function parseTolerance(text: string | number): Tolerance | undefined {
  const value = String(text).trim();
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(value);
  if (!match) return undefined;
  return match[2] ? { value: Number(match[1]) / 100, relative: true } : { value: Number(match[1]), relative: false };
}

function fmt(value: number): string {
  return Number(value.toPrecision(4)).toString();
}
