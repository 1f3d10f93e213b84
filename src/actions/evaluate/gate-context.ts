import { ConfigurationError } from '../../core/errors.js';
import { HIGHER_IS_BETTER } from '../../core/evaluate/compare-models.js';
import type { GateContext, GatePolicy } from '../../core/gate/evaluate-gate.js';
import { defaultPolicy, parsePolicy } from '../../core/gate/parse-policy.js';
import type { RulesFile } from '../../core/documents.js';
import { parseYamlConfig } from '../../io/yaml-config.js';
import type { ActionEnvironment } from '../runtime/host.js';
import { readRulesFile } from '../runtime/rules-files.js';
import type { EvaluateOptions } from './inputs.js';

/** The gate policy: the default, or the policy file (on a pull request, as it is at the base commit). */
export async function loadPolicy(
  env: ActionEnvironment,
  options: EvaluateOptions,
  task: 'classification' | 'regression',
): Promise<{ policy: GatePolicy; origin?: RulesFile }> {
  if (!options.policy) return { policy: defaultPolicy(task) };
  const loaded = await readRulesFile(env, {
    input: 'policy',
    path: options.policy,
    rulesFrom: options.rulesFrom,
    token: options.token,
    kind: 'policy',
  });
  if (loaded.text === undefined)
    throw new ConfigurationError(`${options.policy}: policy file not found; check ${env.inputs.label('policy')}`, {
      file: options.policy,
    });
  return {
    policy: parsePolicy(parseYamlConfig(loaded.text, loaded.name).value, loaded.name, HIGHER_IS_BETTER),
    origin: loaded.record,
  };
}

/** The override label on the pull request, and who applied it when this run was triggered by labelling. */
export function overrideContext(env: ActionEnvironment, options: EvaluateOptions): GateContext {
  const { payload } = env.context;
  const labels: { name?: string }[] = payload.pull_request?.labels ?? [];
  if (!options.overrideLabel || !labels.some((l) => l.name === options.overrideLabel)) return {};
  const appliedBy =
    payload.action === 'labeled' && payload.label?.name === options.overrideLabel ? payload.sender?.login : undefined;
  return { override: { label: options.overrideLabel, ...(appliedBy ? { applied_by: String(appliedBy) } : {}) } };
}
