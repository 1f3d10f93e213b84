import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  convertWorkflowTemplate,
  isMapping,
  isSequence,
  NoOperationTraceWriter,
  parseWorkflow,
  type WorkflowTemplate,
} from '@actions/workflow-parser';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';

/** A step of a job: its raw mapping (with `${{ }}` already parsed into expression tokens) and its `if:` condition. */
export interface StepDefinition {
  /** The `id:` given, else the one GitHub's parser generates (`__actions_checkout`). */
  id: string;
  /** Whether the workflow named the id (only those appear in the `steps` context). */
  named: boolean;
  /** The condition, wrapped in `success() && (...)` by the parser when it calls no status function. */
  condition: string;
  token: MappingToken;
}

/** A job: the fields GitHub's model keeps (needs, if) and the raw mapping for the others (permissions, with:). */
export interface JobDefinition {
  id: string;
  needs: string[];
  condition: string;
  token: MappingToken;
  steps: StepDefinition[];
}

/** A parsed workflow file. */
export interface WorkflowDefinition {
  /** The file name, e.g. mlgate.yml: the run's path is `.github/workflows/<file>`. */
  file: string;
  /** `name:`, else the file's path as GitHub shows it. */
  name: string;
  events: WorkflowTemplate['events'];
  root: MappingToken;
  jobs: JobDefinition[];
}

/** Where the workflow comes from: a file path, or a name and its text. */
export type WorkflowSource = string | { file: string; content: string };

/**
 * Parses a workflow with GitHub's parser (@actions/workflow-parser) and its model converter. A schema error, an
 * expression its validator refuses or a feature the runner does not emulate throws. `$default-branch` (the
 * placeholder of workflow templates) becomes `main`, as GitHub does when the template is added to a repository.
 */
export async function loadWorkflow(source: WorkflowSource): Promise<WorkflowDefinition> {
  const { file, content } =
    typeof source === 'string' ? { file: basename(source), content: readFileSync(source, 'utf8') } : source;
  const parsed = parseWorkflow(
    { name: file, content: content.replace(/\$default-branch/g, 'main') },
    new NoOperationTraceWriter(),
  );
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length > 0 || !parsed.value) throw new Error(`${file} does not parse: ${errors.join('; ')}`);
  const model = await convertWorkflowTemplate(parsed.context, parsed.value);
  if (model.errors?.length)
    throw new Error(`${file} does not convert: ${model.errors.map((e) => e.Message).join('; ')}`);
  const root = parsed.value.assertMapping('workflow');
  const jobsToken = field(root, 'jobs')!.assertMapping('jobs');
  const jobs = model.jobs.map((job): JobDefinition => {
    if (job.type !== 'job')
      throw new Error(`${file}: job ${job.id.value} calls a reusable workflow, which the runner does not emulate`);
    const token = field(jobsToken, job.id.value)!.assertMapping(`job ${job.id.value}`);
    for (const unsupported of ['container', 'services', 'defaults']) {
      if (field(token, unsupported))
        throw new Error(`${file}: job ${job.id.value} uses ${unsupported}:, which the runner does not emulate`);
    }
    const stepTokens = field(token, 'steps');
    const raw =
      stepTokens && isSequence(stepTokens)
        ? Array.from({ length: stepTokens.count }, (_, i) => stepTokens.get(i).assertMapping('step'))
        : [];
    if (raw.length !== job.steps.length)
      throw new Error(`${file}: job ${job.id.value}: the parser's steps do not match the file's`);
    const steps = job.steps.map((step, i): StepDefinition => {
      if (!('if' in step) || !step.if)
        throw new Error(`${file}: job ${job.id.value} step ${i + 1} is neither run: nor uses:`);
      const id = field(raw[i]!, 'id');
      return { id: step.id, named: id !== undefined, condition: step.if.expression, token: raw[i]! };
    });
    return {
      id: job.id.value,
      needs: (job.needs ?? []).map((n) => n.value),
      condition: job.if.expression,
      token,
      steps,
    };
  });
  const name = field(root, 'name');
  return {
    file,
    name: name ? String((name as { value?: unknown }).value) : `.github/workflows/${file}`,
    events: model.events,
    root,
    jobs,
  };
}

/** The value of `key` in a mapping token, if present. */
export function field(mapping: MappingToken, key: string): TemplateToken | undefined {
  for (const pair of mapping) if (pair.key.toString() === key) return pair.value;
  return undefined;
}

/** A literal mapping (no expressions) as plain data, for `permissions:` and the like. */
export function literal(token: TemplateToken | undefined): unknown {
  if (token === undefined) return undefined;
  if (isMapping(token)) return Object.fromEntries([...token].map((p) => [p.key.toString(), literal(p.value)]));
  if (isSequence(token)) return Array.from({ length: token.count }, (_, i) => literal(token.get(i)));
  return (token as { value?: unknown }).value;
}

/** Each step's literal `uses:` in a workflow, as `job: uses` pairs (expressions in uses: are not allowed by GitHub). */
export function usedActions(workflow: WorkflowDefinition): { job: string; uses: string }[] {
  return workflow.jobs.flatMap((job) =>
    job.steps
      .map((step) => ({ job: job.id, uses: literal(field(step.token, 'uses')) }))
      .filter((s): s is { job: string; uses: string } => typeof s.uses === 'string'),
  );
}
