import { ConfigurationError } from '../errors.js';
import {
  DECISION_RULES,
  parseTolerance,
  type DecisionRule,
  type GatePolicy,
  type MetricRule,
} from './evaluate-gate.js';

/**
 * The policy used when none is given: the candidate may not be significantly worse than the baseline on the
 * headline metrics (a drop of more than one point of accuracy or macro F1; a rise of more than 2% in RMSE).
 */
export function defaultPolicy(task: 'classification' | 'regression'): GatePolicy {
  return task === 'classification'
    ? {
        significantOnly: true,
        metrics: {
          accuracy: { maxDrop: { value: 0.01, relative: false } },
          f1_macro: { maxDrop: { value: 0.01, relative: false } },
        },
      }
    : { significantOnly: true, metrics: { rmse: { maxRise: { value: 0.02, relative: true } } } };
}

const RULE_KEYS = ['min', 'max', 'max-drop', 'max-rise', 'rule'] as const;
const POLICY_KEYS = ['metrics', 'slices', 'significant-only', 'rule', 'underpowered', 'correction'] as const;

/**
 * A gate policy from its YAML or JSON form:
 *
 * ```yaml
 * significant-only: true        # judge change rules by the 95% interval of the change (false: by the point change)
 * rule: lenient                 # how change rules read the interval: lenient, non-inferiority or point
 * underpowered: warn            # when the holdout cannot detect a tolerance: warn, or fail the check
 * correction: holm              # family-wise correction across the gated metrics: holm or none
 * metrics:
 *   accuracy: { min: 0.8, max-drop: 0.01, rule: non-inferiority }   # value threshold, an absolute drop, its rule
 *   log_loss: { max-rise: 5% }               # a rise relative to the baseline
 * slices:                                    # rules every slice (of the slices input) must meet
 *   accuracy: { min: 0.7 }
 * ```
 * Every mistake names the key and the accepted values; `higherIsBetter` lists the metrics a rule may name, and
 * decides which change rule fits each (max-drop where higher is better, max-rise where lower is).
 */
export function parsePolicy(document: unknown, source: string, higherIsBetter: Record<string, boolean>): GatePolicy {
  if (!isObject(document))
    throw new ConfigurationError(
      `${source}: a gate policy is a mapping with metrics: (and optionally significant-only:)`,
      { file: source },
    );
  for (const key of Object.keys(document)) {
    if (!(POLICY_KEYS as readonly string[]).includes(key))
      throw new ConfigurationError(`${source}: unknown key ${key}; a policy has ${POLICY_KEYS.join(', ')}`, {
        file: source,
      });
  }
  const significant = document['significant-only'] ?? true;
  if (typeof significant !== 'boolean')
    throw new ConfigurationError(`${source}: significant-only must be true or false`, { file: source });
  const metrics = document.metrics;
  if (!isObject(metrics) || Object.keys(metrics).length === 0)
    throw new ConfigurationError(
      `${source}: metrics: must name at least one metric with its rules, e.g. accuracy: { max-drop: 0.01 }`,
      { file: source },
    );
  const policy: GatePolicy = {
    significantOnly: significant,
    metrics: parseRules(metrics, 'metrics', source, higherIsBetter),
  };
  if (document.rule !== undefined) policy.rule = parseDecision(document.rule, `${source}: rule`, source);
  if (document.underpowered !== undefined) {
    if (document.underpowered !== 'warn' && document.underpowered !== 'fail')
      throw new ConfigurationError(`${source}: underpowered must be warn or fail`, { file: source });
    policy.underpowered = document.underpowered;
  }
  if (document.correction !== undefined) {
    if (document.correction !== 'holm' && document.correction !== 'none')
      throw new ConfigurationError(`${source}: correction must be holm or none`, { file: source });
    policy.correction = document.correction;
  }
  if (document.slices !== undefined) {
    if (!isObject(document.slices))
      throw new ConfigurationError(
        `${source}: slices: must map metrics to the rules every slice must meet, e.g. accuracy: { min: 0.7 }`,
        { file: source },
      );
    policy.slices = parseRules(document.slices, 'slices', source, higherIsBetter);
  }
  return policy;
}

/** The rules of a `metrics:` or `slices:` section. */
function parseRules(
  section: Record<string, unknown>,
  name: string,
  source: string,
  higherIsBetter: Record<string, boolean>,
): Record<string, MetricRule> {
  const known = Object.keys(higherIsBetter);
  const rules: Record<string, MetricRule> = {};
  for (const [metric, body] of Object.entries(section)) {
    if (!known.includes(metric))
      throw new ConfigurationError(
        `${source}: ${name}.${metric} is not a metric mlgate measures; use one of ${known.join(', ')}`,
        { file: source },
      );
    if (!isObject(body))
      throw new ConfigurationError(
        `${source}: ${name}.${metric} must be a mapping of rules (${RULE_KEYS.join(', ')})`,
        { file: source },
      );
    const rule: MetricRule = {};
    for (const [key, value] of Object.entries(body)) {
      const where = `${source}: ${name}.${metric}.${key}`;
      if (key === 'min' || key === 'max') {
        if (typeof value !== 'number' || !Number.isFinite(value))
          throw new ConfigurationError(`${where} must be a number`, { file: source });
        rule[key] = value;
      } else if (key === 'rule') {
        rule.decision = parseDecision(value, where, source);
      } else if (key === 'max-drop' || key === 'max-rise') {
        const tolerance = typeof value === 'number' || typeof value === 'string' ? parseTolerance(value) : undefined;
        if (!tolerance)
          throw new ConfigurationError(
            `${where} must be a non-negative number (absolute, 0.01) or a percentage (relative to the baseline, 2%)`,
            { file: source },
          );
        const fitting = higherIsBetter[metric] ? 'max-drop' : 'max-rise';
        if (key !== fitting)
          throw new ConfigurationError(
            `${where}: ${metric} is better when ${higherIsBetter[metric] ? 'higher' : 'lower'}, so its change rule is ${fitting}`,
            { file: source },
          );
        rule[key === 'max-drop' ? 'maxDrop' : 'maxRise'] = tolerance;
      } else {
        throw new ConfigurationError(`${where}: unknown rule; use ${RULE_KEYS.join(', ')}`, { file: source });
      }
    }
    rules[metric] = rule;
  }
  return rules;
}

/** A decision rule by name. */
function parseDecision(value: unknown, where: string, source: string): DecisionRule {
  if (typeof value !== 'string' || !(DECISION_RULES as readonly string[]).includes(value))
    throw new ConfigurationError(`${where} must be one of ${DECISION_RULES.join(', ')}`, { file: source });
  return value as DecisionRule;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
