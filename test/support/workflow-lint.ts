import { parse as parseYaml } from 'yaml';

/** One security problem in a workflow. */
export interface LintFinding {
  rule: string;
  message: string;
}

const FULL_SHA = /^[0-9a-f]{40}$/;
/** Actions of this project, referenced by tag on purpose (users follow the v1 major tag). */
const FIRST_PARTY = /^(\.\/|mlgate\/mlgate\/)/;
/** Untrusted text an attacker controls in a pull request: never to be spliced into a shell script. */
const UNTRUSTED = /\$\{\{[^}]*\b(github\.event\.|github\.head_ref)[^}]*\}\}/;

type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
type Job = { permissions?: unknown; steps?: Step[] };
type Workflow = { on?: unknown; permissions?: unknown; jobs?: Record<string, Job> };

/**
 * The security rules mlgate's workflow templates keep: no untrusted expression in a shell step, explicit
 * least-privilege top-level permissions, no checkout of a pull request's code under pull_request_target, and
 * third-party actions pinned to a full commit SHA.
 */
export function lintWorkflow(text: string): LintFinding[] {
  const workflow = parseYaml(text) as Workflow;
  const findings: LintFinding[] = [];
  const triggers =
    typeof workflow.on === 'string'
      ? [workflow.on]
      : Array.isArray(workflow.on)
        ? workflow.on
        : Object.keys(workflow.on ?? {});
  if (workflow.permissions === undefined)
    findings.push({
      rule: 'permissions',
      message: 'no top-level permissions: the token gets the repository default, often write-all',
    });
  else if (grantsWrite(workflow.permissions))
    findings.push({
      rule: 'permissions',
      message: 'top-level permissions grant write: grant it in the one job that needs it',
    });
  for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
    for (const step of job.steps ?? []) {
      if (step.run && UNTRUSTED.test(step.run))
        findings.push({
          rule: 'injection',
          message: `job ${name}: an untrusted expression in run: pass it through env: instead`,
        });
      if (step.uses && !FIRST_PARTY.test(step.uses)) {
        const ref = step.uses.split('@')[1] ?? '';
        if (!FULL_SHA.test(ref))
          findings.push({ rule: 'pinning', message: `job ${name}: ${step.uses} is not pinned to a full commit SHA` });
      }
      if (
        triggers.includes('pull_request_target') &&
        step.uses?.startsWith('actions/checkout@') &&
        /github\.event\.pull_request\.head|github\.head_ref/.test(JSON.stringify(step.with ?? {}))
      ) {
        findings.push({
          rule: 'pwn-request',
          message: `job ${name}: checks out the pull request's code under pull_request_target, with a write token and secrets`,
        });
      }
    }
  }
  return findings;
}

function grantsWrite(permissions: unknown): boolean {
  if (typeof permissions === 'string') return permissions === 'write-all';
  return Object.values((permissions ?? {}) as Record<string, string>).some((level) => level === 'write');
}
