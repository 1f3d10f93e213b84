import type { EvalReport } from '../documents.js';

/** GitHub refuses release assets of 2 GiB or more. */
export const MAX_ASSET_BYTES = 2 * 1024 * 1024 * 1024;

export interface ReleaseCheck {
  name: string;
  passed: boolean;
  reason: string;
}

export interface ReleaseGateInput {
  report: EvalReport;
  reportPath: string;
  modelPath: string;
  modelSha256: string;
  /** Files to upload with their sizes. */
  assets: { name: string; bytes: number }[];
  /** The label the pull request must carry, and the labels it has (undefined: no pull request found). */
  requiredLabel?: string;
  labels?: readonly string[];
  /** Who applied the override label, as the pull request's events say (wins over what the report records). */
  overrideAppliedBy?: string;
}

/**
 * Whether a model may be released: its evaluation gate passed (or was overridden, which is recorded), the file is
 * the one that was evaluated (same SHA-256), every asset is under GitHub's size limit, and the pull request carries
 * the required label. Every check says why it failed and how to fix it.
 */
export function checkRelease(input: ReleaseGateInput): ReleaseCheck[] {
  const { report } = input;
  const checks: ReleaseCheck[] = [];
  const failing = report.gate.checks.filter((c) => !c.passed);
  const appliedBy = input.overrideAppliedBy ?? report.gate.override?.applied_by;
  checks.push(
    report.gate.passed
      ? {
          name: 'gate',
          passed: true,
          reason: report.gate.override
            ? `the gate failed and was overridden with the label ${report.gate.override.label}${appliedBy ? ` by ${appliedBy}` : ''}`
            : `the evaluation gate passed (${report.gate.checks.length} checks)`,
        }
      : {
          name: 'gate',
          passed: false,
          reason: `${input.reportPath}: the evaluation gate failed (${
            failing
              .map((c) => c.reason)
              .slice(0, 3)
              .join('; ') || 'no check passed'
          }); improve the model, or apply the override label on the pull request`,
        },
  );
  const recorded = report.candidate.sha256;
  checks.push(
    !recorded
      ? {
          name: 'model hash',
          passed: false,
          reason: `${input.reportPath}: the report records no SHA-256 for the candidate; evaluate the model with mlgate evaluate`,
        }
      : recorded === input.modelSha256
        ? {
            name: 'model hash',
            passed: true,
            reason: `${input.modelPath} is the evaluated candidate (SHA-256 ${recorded.slice(0, 12)}…)`,
          }
        : {
            name: 'model hash',
            passed: false,
            reason: `${input.modelPath} has SHA-256 ${input.modelSha256.slice(0, 12)}… but the evaluated candidate had ${recorded.slice(0, 12)}…; release the model that was evaluated, or evaluate this one`,
          },
  );
  for (const asset of input.assets) {
    if (asset.bytes >= MAX_ASSET_BYTES)
      checks.push({
        name: 'asset size',
        passed: false,
        reason: `${asset.name} is ${asset.bytes} bytes; GitHub release assets must be under 2 GiB (compress it, or store the model elsewhere)`,
      });
  }
  if (input.requiredLabel) {
    checks.push(
      input.labels === undefined
        ? {
            name: 'label',
            passed: false,
            reason: `no pull request was found for this commit, so the label ${input.requiredLabel} cannot be checked; release from a merged pull request`,
          }
        : input.labels.includes(input.requiredLabel)
          ? { name: 'label', passed: true, reason: `the pull request carries ${input.requiredLabel}` }
          : {
              name: 'label',
              passed: false,
              reason: `the pull request lacks the label ${input.requiredLabel}; a reviewer applies it to approve the release`,
            },
    );
  }
  return checks;
}
