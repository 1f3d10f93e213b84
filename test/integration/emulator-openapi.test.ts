import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../support/emulator/server.js';
import { REPOSITORY } from '../support/events.js';

/**
 * Keeps the emulator honest: each of its answers is validated against the response schema GitHub publishes for
 * that operation in its OpenAPI description (@octokit/openapi), so it cannot drift into a convenient fiction.
 */
const spec = withoutUntypedNullable(
  JSON.parse(
    readFileSync(createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'),
  ),
);
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
ajv.addSchema(spec, 'github');

/**
 * OpenAPI 3.0 allows `nullable` beside `$ref` or `allOf` with no `type`, which Ajv refuses: spell it as anyOf null;
 * and a nullable enum must list null.
 */
function withoutUntypedNullable(node: any): any {
  if (Array.isArray(node)) return node.map(withoutUntypedNullable);
  if (node === null || typeof node !== 'object') return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) copy[key] = withoutUntypedNullable(value);
  if (copy.nullable === true && copy.type === undefined) {
    delete copy.nullable;
    return { anyOf: [copy, { type: 'null' }] };
  }
  // A nullable enum (a running job's conclusion) admits null too, which `enum` alone would refuse.
  if (copy.nullable === true && Array.isArray(copy.enum) && !copy.enum.includes(null)) copy.enum = [...copy.enum, null];
  return copy;
}

function responseValidator(path: string, method: string, status: number): ValidateFunction {
  const pointer = `/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/responses/${status}/content/application~1json/schema`;
  return ajv.compile({ $ref: `github#${pointer}` });
}

let github: GitHubEmulator;
let api: (
  method: string,
  path: string,
  body?: unknown,
  base?: string,
) => Promise<{ status: number; json: any; headers: Headers }>;

beforeAll(async () => {
  github = await new GitHubEmulator().start();
  api = async (method, path, body, base = github.apiUrl) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `token ${GitHubEmulator.WRITE_TOKEN}`,
        accept: 'application/vnd.github+json',
        'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
});
afterAll(async () => {
  await github.stop();
});

function expectConforms(json: unknown, path: string, method: string, status: number) {
  const validate = responseValidator(path, method, status);
  const ok = validate(json);
  expect(ok, JSON.stringify(validate.errors?.slice(0, 3), null, 1)).toBe(true);
}

describe("the GitHub emulator answers in the shapes of GitHub's OpenAPI description", () => {
  const R = `/repos/${REPOSITORY}`;
  const O = '/repos/{owner}/{repo}';

  it('issue comments: create, list, get, update', async () => {
    const pr = github.addPullRequest(REPOSITORY, { headSha: 'e'.repeat(40) }).number;
    const created = await api('POST', `${R}/issues/${pr}/comments`, { body: 'hello' });
    expect(created.status).toBe(201);
    expectConforms(created.json, `${O}/issues/{issue_number}/comments`, 'post', 201);
    const list = await api('GET', `${R}/issues/${pr}/comments`);
    expectConforms(list.json, `${O}/issues/{issue_number}/comments`, 'get', 200);
    expectConforms(
      (await api('GET', `${R}/issues/comments/${created.json.id}`)).json,
      `${O}/issues/comments/{comment_id}`,
      'get',
      200,
    );
    expectConforms(
      (await api('PATCH', `${R}/issues/comments/${created.json.id}`, { body: 'edited' })).json,
      `${O}/issues/comments/{comment_id}`,
      'patch',
      200,
    );
    expect((await api('DELETE', `${R}/issues/comments/${created.json.id}`)).status).toBe(204);
  });

  it('issues: create, list by label, get, update', async () => {
    const created = await api('POST', `${R}/issues`, { title: 'Drift', body: 'b', labels: ['mlgate-drift'] });
    expect(created.status).toBe(201);
    expectConforms(created.json, `${O}/issues`, 'post', 201);
    const list = await api('GET', `${R}/issues?labels=mlgate-drift&state=open`);
    expect(list.json).toHaveLength(1);
    expectConforms(list.json, `${O}/issues`, 'get', 200);
    expectConforms(
      (await api('GET', `${R}/issues/${created.json.number}`)).json,
      `${O}/issues/{issue_number}`,
      'get',
      200,
    );
    expectConforms(
      (await api('PATCH', `${R}/issues/${created.json.number}`, { state: 'closed' })).json,
      `${O}/issues/{issue_number}`,
      'patch',
      200,
    );
  });

  it('pull requests: get, list, and list by commit', async () => {
    const sha = 'f'.repeat(40);
    const pr = github.addPullRequest(REPOSITORY, { headSha: sha, headRepo: 'someone/models' }).number;
    expectConforms((await api('GET', `${R}/pulls/${pr}`)).json, `${O}/pulls/{pull_number}`, 'get', 200);
    expectConforms((await api('GET', `${R}/pulls?state=open`)).json, `${O}/pulls`, 'get', 200);
    const byCommit = await api('GET', `${R}/commits/${sha}/pulls`);
    expect(byCommit.json.map((p: { number: number }) => p.number)).toContain(pr);
    expectConforms(byCommit.json, `${O}/commits/{commit_sha}/pulls`, 'get', 200);
  });

  it('releases and assets: create a draft, upload, list, publish, latest, by tag, download with a redirect', async () => {
    const draft = await api('POST', `${R}/releases`, { tag_name: 'model-v1.0.0', name: 'v1', draft: true });
    expect(draft.status).toBe(201);
    expectConforms(draft.json, `${O}/releases`, 'post', 201);
    const uploadUrl = String(draft.json.upload_url).replace(/\{.*\}$/, '');
    const asset = await api(
      'POST',
      `${new URL(uploadUrl).pathname}?name=model.onnx`,
      'bytes',
      new URL(uploadUrl).origin,
    );
    expect(asset.status).toBe(201);
    expectConforms(asset.json, `${O}/releases/{release_id}/assets`, 'post', 201);
    expectConforms(
      (await api('GET', `${R}/releases/${draft.json.id}/assets`)).json,
      `${O}/releases/{release_id}/assets`,
      'get',
      200,
    );
    expectConforms(
      (await api('GET', `${R}/releases/assets/${asset.json.id}`)).json,
      `${O}/releases/assets/{asset_id}`,
      'get',
      200,
    );
    const published = await api('PATCH', `${R}/releases/${draft.json.id}`, { draft: false });
    expectConforms(published.json, `${O}/releases/{release_id}`, 'patch', 200);
    expectConforms((await api('GET', `${R}/releases/latest`)).json, `${O}/releases/latest`, 'get', 200);
    expectConforms((await api('GET', `${R}/releases/tags/model-v1.0.0`)).json, `${O}/releases/tags/{tag}`, 'get', 200);
    expectConforms((await api('GET', `${R}/releases`)).json, `${O}/releases`, 'get', 200);
    const redirect = await fetch(`${github.apiUrl}${R}/releases/assets/${asset.json.id}`, {
      headers: { authorization: `token ${GitHubEmulator.WRITE_TOKEN}`, accept: 'application/octet-stream' },
      redirect: 'manual',
    });
    expect(redirect.status).toBe(302);
    expect(await (await fetch(redirect.headers.get('location')!)).text()).toBe('bytes');
  });

  it("workflow-run jobs: list, with each job's runner and labels", async () => {
    github.addJob(REPOSITORY, 77, { name: 'train', runnerName: 'gpu-1', labels: ['self-hosted', 'linux', 'gpu'] });
    const list = await api('GET', `${R}/actions/runs/77/jobs`);
    expect(list.json.jobs[0]).toMatchObject({ runner_name: 'gpu-1', labels: ['self-hosted', 'linux', 'gpu'] });
    expectConforms(list.json, `${O}/actions/runs/{run_id}/jobs`, 'get', 200);
  });

  it('the repository, and workflow runs: of the default branch, of a pull request, of a fork', async () => {
    expectConforms((await api('GET', R)).json, O, 'get', 200);
    const pr = github.addPullRequest(REPOSITORY, { headSha: 'd'.repeat(40), headRef: 'better-model' }).number;
    github.addRun(REPOSITORY, { id: 9001 });
    github.addRun(REPOSITORY, { id: 9002, event: 'pull_request', headBranch: 'better-model', headSha: 'd'.repeat(40) });
    github.addRun(REPOSITORY, {
      id: 9003,
      event: 'pull_request',
      headBranch: 'main',
      headRepo: 'mallory/models',
      conclusion: null,
    });
    const runs = await Promise.all([9001, 9002, 9003].map((id) => api('GET', `${R}/actions/runs/${id}`)));
    for (const run of runs) expectConforms(run.json, `${O}/actions/runs/{run_id}`, 'get', 200);
    expect(
      runs.map(({ json }) => [
        json.event,
        json.head_branch,
        json.head_repository.full_name,
        json.pull_requests.map((p: any) => p.number),
      ]),
    ).toEqual([
      ['push', 'main', REPOSITORY, []],
      ['pull_request', 'better-model', REPOSITORY, [pr]],
      ['pull_request', 'main', 'mallory/models', []],
    ]);
    expect((await api('GET', `${R}/actions/runs/9999`)).status).toBe(404);
  });

  it('workflow runs: listed for the repository and for one workflow file, by head SHA and status', async () => {
    const sha = '9'.repeat(40);
    github.addRun(REPOSITORY, {
      id: 9101,
      event: 'pull_request',
      headBranch: 'listed',
      headSha: sha,
      name: 'check',
      path: '.github/workflows/check.yml',
      runAttempt: 2,
    });
    github.addRun(REPOSITORY, {
      id: 9102,
      event: 'pull_request',
      headBranch: 'listed',
      headSha: sha,
      name: 'check',
      path: '.github/workflows/check.yml',
      status: 'in_progress',
      conclusion: null,
    });
    const all = await api('GET', `${R}/actions/runs?head_sha=${sha}`);
    expectConforms(all.json, `${O}/actions/runs`, 'get', 200);
    expect(all.json.workflow_runs.map((r: { id: number }) => r.id)).toEqual([9102, 9101]);
    const succeeded = await api('GET', `${R}/actions/workflows/check.yml/runs?head_sha=${sha}&status=success`);
    expectConforms(succeeded.json, `${O}/actions/workflows/{workflow_id}/runs`, 'get', 200);
    expect(succeeded.json).toMatchObject({
      total_count: 1,
      workflow_runs: [{ id: 9101, path: '.github/workflows/check.yml', run_attempt: 2, conclusion: 'success' }],
    });
    const byId = await api(
      'GET',
      `${R}/actions/workflows/${succeeded.json.workflow_runs[0].workflow_id}/runs?status=in_progress`,
    );
    expect(byId.json.workflow_runs.map((r: { id: number }) => r.id)).toEqual([9102]);
  });

  it('workflow-run artifacts: list and download the zip through a redirect', async () => {
    const zip = zipSync({ 'a.json': new TextEncoder().encode('{}') });
    github.addArtifact(REPOSITORY, 555, 'mlgate-reports', zip);
    const list = await api('GET', `${R}/actions/runs/555/artifacts?name=mlgate-reports`);
    expectConforms(list.json, `${O}/actions/runs/{run_id}/artifacts`, 'get', 200);
    const redirect = await api('GET', `${R}/actions/artifacts/${list.json.artifacts[0].id}/zip`);
    expect(redirect.status).toBe(302);
    expect(new Uint8Array(await (await fetch(redirect.headers.get('location')!)).arrayBuffer())).toEqual(zip);
  });

  it('repository contents: a file at a commit as base64 JSON or raw, 404 for a path the commit lacks', async () => {
    const sha = '5'.repeat(40);
    github.setFile(REPOSITORY, sha, '.github/mlgate-policy.yml', 'accuracy: { max-drop: 0.01 }\n');
    const file = await api('GET', `${R}/contents/.github/mlgate-policy.yml?ref=${sha}`);
    expect(file.status).toBe(200);
    expectConforms(file.json, `${O}/contents/{path}`, 'get', 200);
    expect(file.json).toMatchObject({
      type: 'file',
      encoding: 'base64',
      path: '.github/mlgate-policy.yml',
      name: 'mlgate-policy.yml',
      size: 29,
    });
    expect(Buffer.from(file.json.content, 'base64').toString('utf8')).toBe('accuracy: { max-drop: 0.01 }\n');
    // The blob SHA is git's: `printf 'accuracy: { max-drop: 0.01 }\n' | git hash-object --stdin`.
    expect(file.json.sha).toBe('8e5e599fe50bb60f42d149c90820d42aa390f9b2');
    const raw = await fetch(`${github.apiUrl}${R}/contents/.github%2Fmlgate-policy.yml?ref=${sha}`, {
      headers: { authorization: `token ${GitHubEmulator.READ_TOKEN}`, accept: 'application/vnd.github.raw' },
    });
    expect([raw.status, await raw.text()]).toEqual([200, 'accuracy: { max-drop: 0.01 }\n']);
    const missing = await api('GET', `${R}/contents/contract.yml?ref=${sha}`);
    expect(missing.status).toBe(404);
    expect(
      ajv.validate({ $ref: 'github#/components/schemas/basic-error' }, missing.json),
      JSON.stringify(ajv.errors),
    ).toBe(true);
    expect((await api('GET', `${R}/contents/.github/mlgate-policy.yml?ref=${'6'.repeat(40)}`)).status).toBe(404);
  });

  it('workflow runs of a workflow file, filtered by head SHA and conclusion', async () => {
    const sha = '9'.repeat(40);
    const pr = github.addPullRequest(REPOSITORY, { headSha: sha }).number;
    github.addWorkflowRun(REPOSITORY, { id: 7001, head_sha: sha, conclusion: 'failure', pull_requests: [pr] });
    github.addWorkflowRun(REPOSITORY, { id: 7002, head_sha: sha, pull_requests: [pr] });
    github.addWorkflowRun(REPOSITORY, { id: 7003, head_sha: '8'.repeat(40), path: '.github/workflows/other.yml' });
    const runs = await api('GET', `${R}/actions/workflows/mlgate.yml/runs?head_sha=${sha}&status=success`);
    expectConforms(runs.json, `${O}/actions/workflows/{workflow_id}/runs`, 'get', 200);
    expect(runs.json.workflow_runs.map((r: { id: number }) => r.id)).toEqual([7002]);
    expect(runs.json.workflow_runs[0].pull_requests[0].number).toBe(pr);
    expect((await api('GET', `${R}/actions/workflows/nope.yml/runs`)).status).toBe(404);
  });

  it('merged pull requests by merge commit, and label events with their actor', async () => {
    const pr = github.addPullRequest(REPOSITORY, { headSha: '7'.repeat(40) }).number;
    github.labelIssue(REPOSITORY, pr, 'mlgate-override');
    github.mergePullRequest(REPOSITORY, pr, '6'.repeat(40));
    const byCommit = await api('GET', `${R}/commits/${'6'.repeat(40)}/pulls`);
    expectConforms(byCommit.json, `${O}/commits/{commit_sha}/pulls`, 'get', 200);
    expect(
      byCommit.json.map((p: { number: number; merge_commit_sha: string }) => [p.number, p.merge_commit_sha]),
    ).toEqual([[pr, '6'.repeat(40)]]);
    const events = await api('GET', `${R}/issues/${pr}/events`);
    expectConforms(events.json, `${O}/issues/{issue_number}/events`, 'get', 200);
    expect(events.json.map((e: any) => [e.event, e.label.name, e.actor.login])).toEqual([
      ['labeled', 'mlgate-override', 'octocat'],
    ]);
  });

  it('paginates with Link headers as GitHub does', async () => {
    const pr = github.addPullRequest(REPOSITORY, { headSha: '1'.repeat(40) }).number;
    for (let i = 0; i < 5; i++) github.addComment(REPOSITORY, pr, `c${i}`);
    const first = await api('GET', `${R}/issues/${pr}/comments?per_page=2`);
    expect(first.json).toHaveLength(2);
    expect(first.headers.get('link')).toMatch(/<[^>]+page=2[^>]*>; rel="next", <[^>]+page=3[^>]*>; rel="last"/);
  });

  it("the authenticated user: a person's profile for a personal token, 403 for an installation token", async () => {
    const person = await fetch(`${github.apiUrl}/user`, {
      headers: { authorization: `token ${GitHubEmulator.OTHER_USER_TOKEN}` },
    });
    expect(person.status).toBe(200);
    const profile = await person.json();
    expect((profile as { login: string }).login).toBe('octocat');
    expectConforms(profile, '/user', 'get', 200);
    const app = await api('GET', '/user');
    expect(app.status).toBe(403);
    expect(app.json.message).toBe('Resource not accessible by integration');
  });

  it('refuses without a token (401) and refuses writes with a read-only token (403)', async () => {
    expect((await fetch(`${github.apiUrl}${R}/releases`)).status).toBe(401);
    const readOnly = await fetch(`${github.apiUrl}${R}/issues`, {
      method: 'POST',
      headers: { authorization: `token ${GitHubEmulator.READ_TOKEN}` },
      body: '{"title":"x"}',
    });
    expect(readOnly.status).toBe(403);
    expect(((await readOnly.json()) as { message: string }).message).toBe('Resource not accessible by integration');
  });
});
