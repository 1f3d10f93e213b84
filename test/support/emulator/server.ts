import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { label, repository, timestamp, user, type Urls } from './resources.js';

/**
 * A GitHub REST API emulator on 127.0.0.1 for the endpoints mlgate uses. It keeps state in memory, checks tokens
 * the way GitHub does (401 without one, 403 for writes with a read-only one), paginates with Link headers, answers
 * in GitHub's shapes, and fails on demand the way GitHub fails.
 */

export type Permission = 'write' | 'read';

export type FaultKind =
  | 'rate-limit'
  | 'secondary-rate-limit'
  | '400'
  | '500'
  | '502'
  | 'reset'
  | 'reset-after'
  | 'slow';

export interface Fault {
  method: string;
  /** Matched against the request path (without the query). */
  path: RegExp;
  kind: FaultKind;
  /** How many matching requests fail; then the route behaves normally. */
  times?: number;
  /** How many matching requests pass before the fault starts. */
  after?: number;
  /** Seconds asked to wait (rate limits) or milliseconds of delay (slow). */
  amount?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  authorization?: string;
}

interface Identity {
  login: string;
  id: number;
  type: 'Bot' | 'User';
  permission: Permission;
}

interface CommentRecord {
  id: number;
  issue: number;
  body: string;
  author: Identity;
  created: number;
  updated: number;
}

interface IssueRecord {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  labels: string[];
  author: Identity;
  created: number;
  updated: number;
  closed: number | null;
  isPull: boolean;
}

export interface PullRecord {
  number: number;
  headSha: string;
  headRef: string;
  /** The repository the head branch lives in: a fork when it differs from the base. */
  headRepo: string;
  state: 'open' | 'closed';
  title: string;
  /** Commits GitHub links to this pull request (listPullRequestsAssociatedWithCommit); forks' heads often are not. */
  linked: boolean;
  labels: string[];
}

interface ReleaseRecord {
  id: number;
  tag: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  target: string;
  created: number;
  published: number | null;
  author: Identity;
  makeLatest: boolean;
}

interface AssetRecord {
  id: number;
  release: number;
  name: string;
  label: string | null;
  contentType: string;
  data: Buffer;
  created: number;
  uploader: Identity;
}

interface JobRecord {
  id: number;
  runId: number;
  name: string;
  runnerName: string;
  labels: string[];
  created: number;
}

/** A workflow run, as GET /repos/{owner}/{repo}/actions/runs/{run_id} describes it. */
export interface RunRecord {
  id: number;
  /** The triggering event: push, pull_request, schedule, workflow_dispatch, ... */
  event: string;
  headBranch: string;
  headSha: string;
  /** The repository the head branch is in: a fork's for its pull requests. */
  headRepo: string;
  conclusion: string | null;
  created: number;
  /** The workflow's name (default mlgate). */
  name?: string;
  /** The workflow file (default .github/workflows/mlgate.yml). */
  path?: string;
  /** queued, in_progress or completed (the default). */
  status?: string;
  runAttempt?: number;
}

/**
 * A run of a workflow file, as GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs lists it: a promotion
 * looks up the last successful check run of a pull request's head through it.
 */
export interface WorkflowRunRecord {
  id: number;
  name: string;
  /** The workflow file, .github/workflows/<file>. */
  path: string;
  event: string;
  head_sha: string;
  head_branch: string;
  /** owner/name of the repository the head branch is in. */
  head_repository: string;
  conclusion: string | null;
  status: string;
  /** Numbers of the pull requests GitHub lists for the run. */
  pull_requests: number[];
  run_attempt: number;
  created_at: number;
}

interface ArtifactRecord {
  id: number;
  runId: number;
  name: string;
  zip: Buffer;
  created: number;
  expired: boolean;
}

interface RepoState {
  fullName: string;
  id: number;
  owner: Identity;
  issues: Map<number, IssueRecord>;
  comments: Map<number, CommentRecord>;
  pulls: Map<number, PullRecord>;
  releases: Map<number, ReleaseRecord>;
  assets: Map<number, AssetRecord>;
  artifacts: Map<number, ArtifactRecord>;
  jobs: JobRecord[];
  runs: Map<number, RunRecord>;
  nextNumber: number;
}

interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Buffer;
  json: any;
  identity: Identity;
  repo: RepoState;
  params: string[];
  headers: IncomingMessage['headers'];
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string>; raw?: Buffer };
type Handler = (call: Call) => Reply;

const DOCS = 'https://docs.github.com/rest';

export class GitHubEmulator {
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  private nextId = 1000;
  private clock = Date.UTC(2026, 10, 1);
  private readonly tokens = new Map<string, Identity>();
  private readonly repos = new Map<string, RepoState>();
  private readonly faults: (Fault & { left: number; skip: number })[] = [];
  readonly requests: RecordedRequest[] = [];
  urls: Urls = { api: '', uploads: '', web: 'https://github.com' };

  constructor() {
    this.addToken('ghs_write_token', { login: 'github-actions[bot]', id: 41898282, type: 'Bot', permission: 'write' });
    this.addToken('ghs_read_token', { login: 'github-actions[bot]', id: 41898282, type: 'Bot', permission: 'read' });
    this.addToken('ghp_other_user', { login: 'octocat', id: 583231, type: 'User', permission: 'write' });
  }

  /** The token of the workflow's GITHUB_TOKEN with write access. */
  static readonly WRITE_TOKEN = 'ghs_write_token';
  /** A GITHUB_TOKEN as a fork's pull request gets it: read-only. */
  static readonly READ_TOKEN = 'ghs_read_token';
  /** A person's token, to leave comments mlgate must not touch. */
  static readonly OTHER_USER_TOKEN = 'ghp_other_user';

  addToken(token: string, identity: Identity): void {
    this.tokens.set(token, identity);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.urls = {
      api: `http://127.0.0.1:${port}`,
      uploads: `http://127.0.0.1:${port}/uploads`,
      web: 'https://github.com',
    };
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  get apiUrl(): string {
    return this.urls.api;
  }

  /** Makes the next `times` matching requests fail with `kind`. */
  injectFault(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1, skip: fault.after ?? 0 });
  }

  /** Faults not yet used up, to check that a test really exercised them. */
  pendingFaults(): number {
    return this.faults.reduce((n, f) => n + f.left, 0);
  }

  repo(fullName: string): RepoState {
    let state = this.repos.get(fullName);
    if (!state) {
      const owner = {
        login: fullName.split('/')[0]!,
        id: this.id(),
        type: 'User' as const,
        permission: 'write' as const,
      };
      state = {
        fullName,
        id: this.id(),
        owner,
        issues: new Map(),
        comments: new Map(),
        pulls: new Map(),
        releases: new Map(),
        assets: new Map(),
        artifacts: new Map(),
        jobs: [],
        runs: new Map(),
        nextNumber: 1,
      };
      this.repos.set(fullName, state);
    }
    return state;
  }

  /** Adds an open pull request; its number is also an issue number, as on GitHub. */
  addPullRequest(fullName: string, pull: Partial<PullRecord> & { headSha: string }): PullRecord {
    const repo = this.repo(fullName);
    const number = pull.number ?? repo.nextNumber;
    repo.nextNumber = Math.max(repo.nextNumber, number + 1);
    const record: PullRecord = {
      number,
      headRef: 'feature',
      headRepo: fullName,
      state: 'open',
      title: `Pull request ${number}`,
      linked: true,
      labels: [],
      ...pull,
    };
    repo.pulls.set(number, record);
    repo.issues.set(number, {
      number,
      id: this.id(),
      title: record.title,
      body: null,
      state: 'open',
      labels: record.labels,
      author: repo.owner,
      created: this.tick(),
      updated: this.now(),
      closed: null,
      isPull: true,
    });
    return record;
  }

  /** Records a job of a workflow run, running on the named runner with these labels. */
  addJob(fullName: string, runId: number, job: { name: string; runnerName: string; labels: string[] }): number {
    const id = this.id();
    this.repo(fullName).jobs.push({ id, runId, ...job, created: this.tick() });
    return id;
  }

  /** Records a workflow run (by default a successful push run on main, in the repository itself). */
  addRun(fullName: string, run: Partial<RunRecord> & { id: number }): RunRecord {
    const record: RunRecord = {
      event: 'push',
      headBranch: 'main',
      headSha: 'a'.repeat(40),
      headRepo: fullName,
      conclusion: 'success',
      created: this.tick(),
      ...run,
    };
    this.repo(fullName).runs.set(record.id, record);
    return record;
  }

  /** Stores a zip as an artifact of a workflow run. */
  addArtifact(fullName: string, runId: number, name: string, zip: Uint8Array, expired = false): number {
    const id = this.id();
    this.repo(fullName).artifacts.set(id, { id, runId, name, zip: Buffer.from(zip), created: this.tick(), expired });
    return id;
  }

  /** Comments on an issue or pull request, oldest first, as stored. */
  comments(fullName: string, issue: number): { id: number; body: string; login: string }[] {
    return [...this.repo(fullName).comments.values()]
      .filter((c) => c.issue === issue)
      .map((c) => ({ id: c.id, body: c.body, login: c.author.login }));
  }

  /** Issues (not pull requests) of a repository. */
  issues(fullName: string): { number: number; title: string; body: string | null; state: string; labels: string[] }[] {
    return [...this.repo(fullName).issues.values()]
      .filter((i) => !i.isPull)
      .map((i) => ({ number: i.number, title: i.title, body: i.body, state: i.state, labels: [...i.labels] }));
  }

  /** Releases with their assets' names and bytes. */
  releases(fullName: string) {
    const repo = this.repo(fullName);
    return [...repo.releases.values()].map((r) => ({
      id: r.id,
      tag: r.tag,
      draft: r.draft,
      latest: r.makeLatest && !r.draft,
      body: r.body,
      assets: [...repo.assets.values()].filter((a) => a.release === r.id).map((a) => ({ name: a.name, data: a.data })),
    }));
  }

  /** Opens an issue as someone else (a person, or another bot); returns its number. */
  addIssue(
    fullName: string,
    issue: { title: string; body: string; labels?: string[] },
    token = GitHubEmulator.OTHER_USER_TOKEN,
  ): number {
    const repo = this.repo(fullName);
    const number = repo.nextNumber++;
    const t = this.tick();
    repo.issues.set(number, {
      number,
      id: this.id(),
      title: issue.title,
      body: issue.body,
      state: 'open',
      labels: issue.labels ?? [],
      author: this.tokens.get(token)!,
      created: t,
      updated: t,
      closed: null,
      isPull: false,
    });
    return number;
  }

  /** Adds a comment as someone else (a person, or another bot). */
  addComment(fullName: string, issue: number, body: string, token = GitHubEmulator.OTHER_USER_TOKEN): number {
    const id = this.id();
    const t = this.tick();
    this.repo(fullName).comments.set(id, { id, issue, body, author: this.tokens.get(token)!, created: t, updated: t });
    return id;
  }

  private id(): number {
    return this.nextId++;
  }

  private tick(): number {
    this.clock += 1000;
    return this.clock;
  }

  private now(): number {
    return this.clock;
  }

  // --- HTTP plumbing -------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.urls.api);
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const fault = this.takeFault(method, url.pathname);
    const record = (status: number) =>
      this.requests.push({ method, path: url.pathname, status, authorization: req.headers.authorization });

    if (fault?.kind === 'reset') {
      record(0);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.amount ?? 1500));
    if (fault && fault.kind !== 'slow' && fault.kind !== 'reset-after') {
      const reply = faultReply(fault);
      record(reply.status);
      send(res, reply);
      return;
    }
    let reply: Reply;
    try {
      reply = this.dispatch(method, url, body, req.headers);
    } catch (error) {
      reply = {
        status: 500,
        body: { message: `emulator error: ${error instanceof Error ? error.message : String(error)}` },
      };
    }
    if (fault?.kind === 'reset-after') {
      // The change is made, but the client never hears so: it will retry.
      record(0);
      req.socket.destroy();
      return;
    }
    record(reply.status);
    send(res, reply);
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const fault = this.faults.find((f) => f.left > 0 && f.method === method && f.path.test(path));
    if (!fault) return undefined;
    if (fault.skip > 0) {
      fault.skip--;
      return undefined;
    }
    fault.left--;
    return fault;
  }

  private dispatch(method: string, url: URL, body: Buffer, headers: IncomingMessage['headers']): Reply {
    const path = url.pathname;
    const blob = /^\/_blobs\/(asset|artifact)\/([^/]+)\/(\d+)$/.exec(path);
    if (blob && method === 'GET') return this.serveBlob(blob[1]!, decodeURIComponent(blob[2]!), Number(blob[3]));

    const auth = headers.authorization;
    if (!auth) return { status: 401, body: { message: 'Requires authentication', documentation_url: DOCS } };
    const identity = this.tokens.get(auth.replace(/^(token|bearer)\s+/i, ''));
    if (!identity) return { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS } };
    if (method === 'GET' && path === '/user') return this.authenticatedUser(identity);

    const uploads = path.startsWith('/uploads/');
    const routePath = uploads ? path.slice('/uploads'.length) : path;
    for (const [routeMethod, pattern, handler, onUploads] of this.routes) {
      if (routeMethod !== method || Boolean(onUploads) !== uploads) continue;
      const match = pattern.exec(routePath);
      if (!match) continue;
      if (method !== 'GET' && identity.permission !== 'write') {
        return {
          status: 403,
          body: { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' },
        };
      }
      let json: any;
      if (!onUploads && body.length > 0) {
        try {
          json = JSON.parse(body.toString('utf8'));
        } catch {
          return { status: 400, body: { message: 'Problems parsing JSON', documentation_url: DOCS } };
        }
      }
      const fullName = `${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}`;
      return handler({
        method,
        path,
        query: url.searchParams,
        body,
        json,
        identity,
        repo: this.repo(fullName),
        params: match.slice(3).map(decodeURIComponent),
        headers,
      });
    }
    return { status: 404, body: { message: 'Not Found', documentation_url: DOCS } };
  }

  private serveBlob(kind: string, repoName: string, id: number): Reply {
    const repo = this.repo(repoName);
    const data = kind === 'asset' ? repo.assets.get(id)?.data : repo.artifacts.get(id)?.zip;
    if (!data) return { status: 404, body: { message: 'BlobNotFound' } };
    return {
      status: 200,
      raw: data,
      headers: { 'content-type': kind === 'asset' ? 'application/octet-stream' : 'application/zip' },
    };
  }

  // --- routes ------------------------------------------------------------------------------------------------

  private readonly R = '/repos/([^/]+)/([^/]+)';
  private readonly routes: [string, RegExp, Handler, boolean?][] = [
    ['GET', new RegExp(`^${this.R}/issues/(\\d+)/comments$`), (c) => this.listComments(c)],
    ['POST', new RegExp(`^${this.R}/issues/(\\d+)/comments$`), (c) => this.createComment(c)],
    ['GET', new RegExp(`^${this.R}/issues/comments/(\\d+)$`), (c) => this.getComment(c)],
    ['PATCH', new RegExp(`^${this.R}/issues/comments/(\\d+)$`), (c) => this.updateComment(c)],
    ['DELETE', new RegExp(`^${this.R}/issues/comments/(\\d+)$`), (c) => this.deleteComment(c)],
    ['GET', new RegExp(`^${this.R}/issues$`), (c) => this.listIssues(c)],
    ['POST', new RegExp(`^${this.R}/issues$`), (c) => this.createIssue(c)],
    ['GET', new RegExp(`^${this.R}/issues/(\\d+)$`), (c) => this.getIssue(c)],
    ['PATCH', new RegExp(`^${this.R}/issues/(\\d+)$`), (c) => this.updateIssue(c)],
    ['GET', new RegExp(`^${this.R}/pulls/(\\d+)$`), (c) => this.getPull(c)],
    ['GET', new RegExp(`^${this.R}/pulls$`), (c) => this.listPulls(c)],
    ['GET', new RegExp(`^${this.R}/commits/([0-9a-f]+)/pulls$`), (c) => this.pullsForCommit(c)],
    ['GET', new RegExp(`^${this.R}/releases$`), (c) => this.listReleases(c)],
    ['POST', new RegExp(`^${this.R}/releases$`), (c) => this.createRelease(c)],
    ['GET', new RegExp(`^${this.R}/releases/latest$`), (c) => this.latestRelease(c)],
    ['GET', new RegExp(`^${this.R}/releases/tags/(.+)$`), (c) => this.releaseByTag(c)],
    ['GET', new RegExp(`^${this.R}/releases/assets/(\\d+)$`), (c) => this.getAsset(c)],
    ['DELETE', new RegExp(`^${this.R}/releases/assets/(\\d+)$`), (c) => this.deleteAsset(c)],
    ['GET', new RegExp(`^${this.R}/releases/(\\d+)$`), (c) => this.getRelease(c)],
    ['PATCH', new RegExp(`^${this.R}/releases/(\\d+)$`), (c) => this.updateRelease(c)],
    ['DELETE', new RegExp(`^${this.R}/releases/(\\d+)$`), (c) => this.deleteRelease(c)],
    ['GET', new RegExp(`^${this.R}/releases/(\\d+)/assets$`), (c) => this.listAssets(c)],
    ['POST', new RegExp(`^${this.R}/releases/(\\d+)/assets$`), (c) => this.uploadAsset(c), true],
    ['GET', new RegExp(`^${this.R}$`), (c) => this.getRepository(c)],
    ['GET', new RegExp(`^${this.R}/actions/runs/(\\d+)$`), (c) => this.getRun(c)],
    ['GET', new RegExp(`^${this.R}/actions/runs/(\\d+)/artifacts$`), (c) => this.listArtifacts(c)],
    ['GET', new RegExp(`^${this.R}/actions/runs/(\\d+)/jobs$`), (c) => this.listJobs(c)],
    ['GET', new RegExp(`^${this.R}/actions/artifacts/(\\d+)/zip$`), (c) => this.downloadArtifact(c)],
    ['GET', new RegExp(`^${this.R}/contents/(.+)$`), (c) => this.getContents(c)],
    ['GET', new RegExp(`^${this.R}/actions/runs$`), (c) => this.listRuns(c)],
    // Runs added with addWorkflowRun are listed by their own handler; the workflow runner's runs (addRun) by listRuns.
    [
      'GET',
      new RegExp(`^${this.R}/actions/workflows/([^/]+)/runs$`),
      (c) =>
        this.workflowRuns.get(c.repo.fullName)?.length ? this.listWorkflowRuns(c) : this.listRuns(c, c.params[0]),
    ],
    ['GET', new RegExp(`^${this.R}/issues/(\\d+)/events$`), (c) => this.listIssueEvents(c)],
  ];

  /**
   * GET /user: a person's token gets its public profile; a GITHUB_TOKEN or another app's installation token gets
   * the 403 GitHub gives integrations, which have no user.
   */
  private authenticatedUser(identity: Identity): Reply {
    if (identity.type === 'Bot')
      return {
        status: 403,
        body: { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' },
      };
    const created = timestamp(Date.UTC(2011, 0, 25));
    return {
      status: 200,
      body: {
        ...user(this.urls, identity.login, identity.id, identity.type),
        user_view_type: 'public',
        name: null,
        company: null,
        blog: '',
        location: null,
        email: null,
        hireable: null,
        bio: null,
        public_repos: 8,
        public_gists: 0,
        followers: 0,
        following: 0,
        created_at: created,
        updated_at: created,
      },
    };
  }

  // issue comments

  private commentJson(repo: RepoState, c: CommentRecord) {
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${this.urls.api}/repos/${repo.fullName}/issues/comments/${c.id}`,
      html_url: `${this.urls.web}/${repo.fullName}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${this.urls.api}/repos/${repo.fullName}/issues/${c.issue}`,
      body: c.body,
      user: user(this.urls, c.author.login, c.author.id, c.author.type),
      created_at: timestamp(c.created),
      updated_at: timestamp(c.updated),
      author_association: 'NONE',
      reactions: reactions(`${this.urls.api}/repos/${repo.fullName}/issues/comments/${c.id}/reactions`),
    };
  }

  private listComments(c: Call): Reply {
    const issue = Number(c.params[0]);
    if (!c.repo.issues.has(issue)) return notFound();
    const items = [...c.repo.comments.values()].filter((x) => x.issue === issue).sort((a, b) => a.id - b.id);
    return this.page(
      c,
      items.map((x) => this.commentJson(c.repo, x)),
    );
  }

  private createComment(c: Call): Reply {
    const issue = Number(c.params[0]);
    if (!c.repo.issues.has(issue)) return notFound();
    const invalid = requireString(c.json, 'body', 65536);
    if (invalid) return invalid;
    const t = this.tick();
    const record: CommentRecord = {
      id: this.id(),
      issue,
      body: c.json.body,
      author: c.identity,
      created: t,
      updated: t,
    };
    c.repo.comments.set(record.id, record);
    return { status: 201, body: this.commentJson(c.repo, record) };
  }

  private getComment(c: Call): Reply {
    const record = c.repo.comments.get(Number(c.params[0]));
    return record ? { status: 200, body: this.commentJson(c.repo, record) } : notFound();
  }

  private updateComment(c: Call): Reply {
    const record = c.repo.comments.get(Number(c.params[0]));
    if (!record) return notFound();
    // Write access to a repository lets a token edit anyone's comment there, as on GitHub (the dispatcher has
    // already refused read-only tokens): mlgate must choose its own comments, not rely on a 403.
    const invalid = requireString(c.json, 'body', 65536);
    if (invalid) return invalid;
    record.body = c.json.body;
    record.updated = this.tick();
    return { status: 200, body: this.commentJson(c.repo, record) };
  }

  private deleteComment(c: Call): Reply {
    const record = c.repo.comments.get(Number(c.params[0]));
    if (!record) return notFound();
    c.repo.comments.delete(record.id);
    return { status: 204 };
  }

  // issues

  private issueJson(repo: RepoState, i: IssueRecord) {
    const api = `${this.urls.api}/repos/${repo.fullName}/issues/${i.number}`;
    return {
      id: i.id,
      node_id: `I_${i.id}`,
      url: api,
      repository_url: `${this.urls.api}/repos/${repo.fullName}`,
      labels_url: `${api}/labels{/name}`,
      comments_url: `${api}/comments`,
      events_url: `${api}/events`,
      html_url: `${this.urls.web}/${repo.fullName}/${i.isPull ? 'pull' : 'issues'}/${i.number}`,
      number: i.number,
      state: i.state,
      ...(i.state === 'closed' ? { state_reason: 'completed' } : {}),
      title: i.title,
      body: i.body,
      user: user(this.urls, i.author.login, i.author.id, i.author.type),
      labels: i.labels.map((name, k) => label(this.urls, repo.fullName, name, 9000 + k)),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      comments: [...repo.comments.values()].filter((x) => x.issue === i.number).length,
      closed_at: i.closed === null ? null : timestamp(i.closed),
      created_at: timestamp(i.created),
      updated_at: timestamp(i.updated),
      author_association: 'NONE',
      ...(i.isPull
        ? {
            pull_request: {
              url: `${this.urls.api}/repos/${repo.fullName}/pulls/${i.number}`,
              html_url: null,
              diff_url: null,
              patch_url: null,
            },
          }
        : {}),
    };
  }

  private listIssues(c: Call): Reply {
    const state = c.query.get('state') ?? 'open';
    const labels = (c.query.get('labels') ?? '').split(',').filter(Boolean);
    const items = [...c.repo.issues.values()]
      .filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l)))
      .sort((a, b) => b.created - a.created);
    return this.page(
      c,
      items.map((i) => this.issueJson(c.repo, i)),
    );
  }

  private createIssue(c: Call): Reply {
    const invalid = requireString(c.json, 'title', 256);
    if (invalid) return invalid;
    const t = this.tick();
    const number = c.repo.nextNumber++;
    const labels = Array.isArray(c.json.labels) ? c.json.labels.map(String) : [];
    const record: IssueRecord = {
      number,
      id: this.id(),
      title: c.json.title,
      body: c.json.body ?? null,
      state: 'open',
      labels,
      author: c.identity,
      created: t,
      updated: t,
      closed: null,
      isPull: false,
    };
    c.repo.issues.set(number, record);
    return { status: 201, body: this.issueJson(c.repo, record) };
  }

  private getIssue(c: Call): Reply {
    const record = c.repo.issues.get(Number(c.params[0]));
    return record ? { status: 200, body: this.issueJson(c.repo, record) } : notFound();
  }

  private updateIssue(c: Call): Reply {
    const record = c.repo.issues.get(Number(c.params[0]));
    if (!record) return notFound();
    const j = c.json ?? {};
    if (typeof j.title === 'string') record.title = j.title;
    if (typeof j.body === 'string' || j.body === null) record.body = j.body;
    if (Array.isArray(j.labels)) record.labels = j.labels.map(String);
    if (j.state === 'open' || j.state === 'closed') {
      record.closed = j.state === 'closed' ? this.now() : null;
      record.state = j.state;
    }
    record.updated = this.tick();
    return { status: 200, body: this.issueJson(c.repo, record) };
  }

  // pull requests

  private pullJson(repo: RepoState, p: PullRecord) {
    const api = `${this.urls.api}/repos/${repo.fullName}/pulls/${p.number}`;
    const web = `${this.urls.web}/${repo.fullName}/pull/${p.number}`;
    const issue = repo.issues.get(p.number)!;
    const owner = user(this.urls, repo.owner.login, repo.owner.id);
    const headOwner = user(this.urls, p.headRepo.split('/')[0]!, p.headRepo === repo.fullName ? repo.owner.id : 77);
    const headRepo = {
      ...repository(this.urls, p.headRepo, p.headRepo === repo.fullName ? repo.id : repo.id + 1, headOwner),
      fork: p.headRepo !== repo.fullName,
    };
    const merge = this.merges.get(`${repo.fullName}#${p.number}`);
    return {
      url: api,
      id: issue.id,
      node_id: `PR_${issue.id}`,
      html_url: web,
      diff_url: `${web}.diff`,
      patch_url: `${web}.patch`,
      issue_url: `${this.urls.api}/repos/${repo.fullName}/issues/${p.number}`,
      commits_url: `${api}/commits`,
      review_comments_url: `${api}/comments`,
      review_comment_url: `${this.urls.api}/repos/${repo.fullName}/pulls/comments{/number}`,
      comments_url: `${this.urls.api}/repos/${repo.fullName}/issues/${p.number}/comments`,
      statuses_url: `${this.urls.api}/repos/${repo.fullName}/statuses/${p.headSha}`,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      user: headOwner,
      body: null,
      // The pull-request-simple schema types a label's description as a string, never null.
      labels: p.labels.map((name, k) => ({ ...label(this.urls, repo.fullName, name, 9100 + k), description: '' })),
      milestone: null,
      active_lock_reason: null,
      created_at: timestamp(issue.created),
      updated_at: timestamp(issue.updated),
      closed_at: merge ? timestamp(merge.at) : null,
      merged_at: merge ? timestamp(merge.at) : null,
      merge_commit_sha: merge?.sha ?? null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: {
        label: `${p.headRepo.split('/')[0]}:${p.headRef}`,
        ref: p.headRef,
        sha: p.headSha,
        user: headOwner,
        repo: headRepo,
      },
      base: {
        label: `${repo.owner.login}:main`,
        ref: 'main',
        sha: '0'.repeat(40),
        user: owner,
        repo: repository(this.urls, repo.fullName, repo.id, owner),
      },
      _links: {
        self: { href: api },
        html: { href: web },
        issue: { href: `${this.urls.api}/repos/${repo.fullName}/issues/${p.number}` },
        comments: { href: `${this.urls.api}/repos/${repo.fullName}/issues/${p.number}/comments` },
        review_comments: { href: `${api}/comments` },
        review_comment: { href: `${this.urls.api}/repos/${repo.fullName}/pulls/comments{/number}` },
        commits: { href: `${api}/commits` },
        statuses: { href: `${this.urls.api}/repos/${repo.fullName}/statuses/${p.headSha}` },
      },
      author_association: 'CONTRIBUTOR',
      auto_merge: null,
      draft: false,
    };
  }

  private getPull(c: Call): Reply {
    const p = c.repo.pulls.get(Number(c.params[0]));
    if (!p) return notFound();
    return {
      status: 200,
      body: {
        ...this.pullJson(c.repo, p),
        merged: false,
        mergeable: true,
        rebaseable: true,
        mergeable_state: 'clean',
        merged_by: null,
        comments: [...c.repo.comments.values()].filter((x) => x.issue === p.number).length,
        review_comments: 0,
        maintainer_can_modify: false,
        commits: 1,
        additions: 1,
        deletions: 0,
        changed_files: 1,
      },
    };
  }

  private listPulls(c: Call): Reply {
    const state = c.query.get('state') ?? 'open';
    const head = c.query.get('head');
    const items = [...c.repo.pulls.values()]
      .filter(
        (p) => (state === 'all' || p.state === state) && (!head || `${p.headRepo.split('/')[0]}:${p.headRef}` === head),
      )
      .sort((a, b) => b.number - a.number);
    return this.page(
      c,
      items.map((p) => this.pullJson(c.repo, p)),
    );
  }

  private pullsForCommit(c: Call): Reply {
    const items = [...c.repo.pulls.values()].filter(
      (p) =>
        (p.linked && p.headSha === c.params[0]) ||
        this.merges.get(`${c.repo.fullName}#${p.number}`)?.sha === c.params[0],
    );
    return this.page(
      c,
      items.map((p) => this.pullJson(c.repo, p)),
    );
  }

  // releases

  private releaseJson(repo: RepoState, r: ReleaseRecord) {
    const api = `${this.urls.api}/repos/${repo.fullName}/releases/${r.id}`;
    const web = `${this.urls.web}/${repo.fullName}/releases/${r.draft ? `tag/untagged-${r.id}` : `tag/${encodeURIComponent(r.tag)}`}`;
    return {
      url: api,
      html_url: web,
      assets_url: `${api}/assets`,
      upload_url: `${this.urls.uploads}/repos/${repo.fullName}/releases/${r.id}/assets{?name,label}`,
      tarball_url: r.draft ? null : `${this.urls.api}/repos/${repo.fullName}/tarball/${encodeURIComponent(r.tag)}`,
      zipball_url: r.draft ? null : `${this.urls.api}/repos/${repo.fullName}/zipball/${encodeURIComponent(r.tag)}`,
      id: r.id,
      node_id: `RE_${r.id}`,
      tag_name: r.tag,
      target_commitish: r.target,
      name: r.name,
      body: r.body,
      draft: r.draft,
      prerelease: r.prerelease,
      immutable: false,
      created_at: timestamp(r.created),
      published_at: r.published === null ? null : timestamp(r.published),
      author: user(this.urls, r.author.login, r.author.id, r.author.type),
      assets: [...repo.assets.values()].filter((a) => a.release === r.id).map((a) => this.assetJson(repo, a)),
    };
  }

  private assetJson(repo: RepoState, a: AssetRecord) {
    const release = repo.releases.get(a.release);
    return {
      url: `${this.urls.api}/repos/${repo.fullName}/releases/assets/${a.id}`,
      browser_download_url: `${this.urls.web}/${repo.fullName}/releases/download/${encodeURIComponent(release?.tag ?? '')}/${encodeURIComponent(a.name)}`,
      id: a.id,
      node_id: `RA_${a.id}`,
      name: a.name,
      label: a.label,
      state: 'uploaded',
      content_type: a.contentType,
      size: a.data.length,
      digest: `sha256:${sha256(a.data)}`,
      download_count: 0,
      created_at: timestamp(a.created),
      updated_at: timestamp(a.created),
      uploader: user(this.urls, a.uploader.login, a.uploader.id, a.uploader.type),
    };
  }

  private listReleases(c: Call): Reply {
    const items = [...c.repo.releases.values()].sort((a, b) => b.created - a.created);
    return this.page(
      c,
      items.map((r) => this.releaseJson(c.repo, r)),
    );
  }

  private createRelease(c: Call): Reply {
    const invalid = requireString(c.json, 'tag_name', 255);
    if (invalid) return invalid;
    const j = c.json;
    const draft = Boolean(j.draft);
    if (!draft && [...c.repo.releases.values()].some((r) => r.tag === j.tag_name && !r.draft)) {
      return validationFailed('Release', 'tag_name', 'already_exists');
    }
    const t = this.tick();
    const record: ReleaseRecord = {
      id: this.id(),
      tag: j.tag_name,
      name: j.name ?? null,
      body: j.body ?? null,
      draft,
      prerelease: Boolean(j.prerelease),
      target: j.target_commitish ?? 'main',
      created: t,
      published: draft ? null : t,
      author: c.identity,
      makeLatest: j.make_latest !== 'false',
    };
    c.repo.releases.set(record.id, record);
    return { status: 201, body: this.releaseJson(c.repo, record) };
  }

  private getRelease(c: Call): Reply {
    const r = c.repo.releases.get(Number(c.params[0]));
    return r ? { status: 200, body: this.releaseJson(c.repo, r) } : notFound();
  }

  private latestRelease(c: Call): Reply {
    const published = [...c.repo.releases.values()].filter((r) => !r.draft && !r.prerelease && r.makeLatest);
    const latest = published.sort((a, b) => (b.published ?? 0) - (a.published ?? 0))[0];
    return latest ? { status: 200, body: this.releaseJson(c.repo, latest) } : notFound();
  }

  private releaseByTag(c: Call): Reply {
    // Like GitHub: drafts have no tag yet, so they are not found by tag.
    const r = [...c.repo.releases.values()].find((x) => x.tag === c.params[0] && !x.draft);
    return r ? { status: 200, body: this.releaseJson(c.repo, r) } : notFound();
  }

  private updateRelease(c: Call): Reply {
    const r = c.repo.releases.get(Number(c.params[0]));
    if (!r) return notFound();
    const j = c.json ?? {};
    const tag = typeof j.tag_name === 'string' ? j.tag_name : r.tag;
    const publishing = j.draft === false && r.draft;
    if (
      (publishing || tag !== r.tag) &&
      [...c.repo.releases.values()].some((x) => x.id !== r.id && x.tag === tag && !x.draft)
    ) {
      return validationFailed('Release', 'tag_name', 'already_exists');
    }
    r.tag = tag;
    if (typeof j.name === 'string') r.name = j.name;
    if (typeof j.body === 'string') r.body = j.body;
    if (typeof j.prerelease === 'boolean') r.prerelease = j.prerelease;
    if (typeof j.make_latest === 'string') r.makeLatest = j.make_latest !== 'false';
    if (typeof j.draft === 'boolean') {
      if (publishing) r.published = this.tick();
      r.draft = j.draft;
    }
    return { status: 200, body: this.releaseJson(c.repo, r) };
  }

  private deleteRelease(c: Call): Reply {
    const r = c.repo.releases.get(Number(c.params[0]));
    if (!r) return notFound();
    c.repo.releases.delete(r.id);
    for (const a of [...c.repo.assets.values()]) if (a.release === r.id) c.repo.assets.delete(a.id);
    return { status: 204 };
  }

  private listAssets(c: Call): Reply {
    const id = Number(c.params[0]);
    if (!c.repo.releases.has(id)) return notFound();
    const items = [...c.repo.assets.values()].filter((a) => a.release === id).sort((a, b) => a.id - b.id);
    return this.page(
      c,
      items.map((a) => this.assetJson(c.repo, a)),
    );
  }

  private uploadAsset(c: Call): Reply {
    const release = Number(c.params[0]);
    if (!c.repo.releases.has(release)) return notFound();
    const name = c.query.get('name');
    if (!name) return validationFailed('ReleaseAsset', 'name', 'missing_field');
    if ([...c.repo.assets.values()].some((a) => a.release === release && a.name === name))
      return validationFailed('ReleaseAsset', 'name', 'already_exists');
    const record: AssetRecord = {
      id: this.id(),
      release,
      name,
      label: c.query.get('label'),
      contentType: String(c.headers['content-type'] ?? 'application/octet-stream'),
      data: c.body,
      created: this.tick(),
      uploader: c.identity,
    };
    c.repo.assets.set(record.id, record);
    return { status: 201, body: this.assetJson(c.repo, record) };
  }

  private getAsset(c: Call): Reply {
    const a = c.repo.assets.get(Number(c.params[0]));
    if (!a) return notFound();
    if (String(c.headers.accept ?? '').includes('application/octet-stream')) {
      return {
        status: 302,
        headers: { location: `${this.urls.api}/_blobs/asset/${encodeURIComponent(c.repo.fullName)}/${a.id}` },
      };
    }
    return { status: 200, body: this.assetJson(c.repo, a) };
  }

  private deleteAsset(c: Call): Reply {
    const a = c.repo.assets.get(Number(c.params[0]));
    if (!a) return notFound();
    c.repo.assets.delete(a.id);
    return { status: 204 };
  }

  // the repository

  private getRepository(c: Call): Reply {
    const owner = user(this.urls, c.repo.owner.login, c.repo.owner.id);
    return {
      status: 200,
      body: {
        ...repository(this.urls, c.repo.fullName, c.repo.id, owner),
        has_discussions: false,
        network_count: 0,
        subscribers_count: 0,
      },
    };
  }

  // workflow runs

  /** A repository as a run names it: the repository itself, or a fork (another id, fork: true). */
  private runRepository(repo: RepoState, fullName: string) {
    const own = fullName === repo.fullName;
    return {
      ...repository(
        this.urls,
        fullName,
        own ? repo.id : repo.id + 1,
        user(this.urls, fullName.split('/')[0]!, own ? repo.owner.id : 77),
      ),
      fork: !own,
    };
  }

  private getRun(c: Call): Reply {
    const run = c.repo.runs.get(Number(c.params[0]));
    if (!run) return notFound();
    const api = `${this.urls.api}/repos/${c.repo.fullName}/actions/runs/${run.id}`;
    const actor = user(this.urls, run.headRepo.split('/')[0]!, run.headRepo === c.repo.fullName ? c.repo.owner.id : 77);
    const repoRef = (fullName: string) => ({
      id: fullName === c.repo.fullName ? c.repo.id : c.repo.id + 1,
      url: `${this.urls.api}/repos/${fullName}`,
      name: fullName.split('/')[1]!,
    });
    // As on GitHub: the open pull requests whose head is the run's branch in this repository; none for a fork's.
    const pulls =
      run.headRepo === c.repo.fullName
        ? [...c.repo.pulls.values()].filter(
            (p) => p.state === 'open' && p.headRepo === c.repo.fullName && p.headRef === run.headBranch,
          )
        : [];
    return {
      status: 200,
      body: {
        id: run.id,
        name: run.name ?? 'mlgate',
        node_id: `WFR_${run.id}`,
        head_branch: run.headBranch,
        head_sha: run.headSha,
        path: run.path ?? '.github/workflows/mlgate.yml',
        display_title: run.event === 'pull_request' ? 'Improve the model' : 'mlgate',
        run_number: run.id % 1000,
        run_attempt: run.runAttempt ?? 1,
        event: run.event,
        status: run.status ?? 'completed',
        conclusion: run.conclusion,
        workflow_id: workflowId(run.path),
        url: api,
        html_url: `${this.urls.web}/${c.repo.fullName}/actions/runs/${run.id}`,
        pull_requests: pulls.map((p) => ({
          id: c.repo.issues.get(p.number)!.id,
          number: p.number,
          url: `${this.urls.api}/repos/${c.repo.fullName}/pulls/${p.number}`,
          head: { ref: p.headRef, sha: p.headSha, repo: repoRef(p.headRepo) },
          base: { ref: 'main', sha: 'b'.repeat(40), repo: repoRef(c.repo.fullName) },
        })),
        created_at: timestamp(run.created),
        updated_at: timestamp(run.created),
        run_started_at: timestamp(run.created),
        actor,
        triggering_actor: actor,
        jobs_url: `${api}/jobs`,
        logs_url: `${api}/logs`,
        check_suite_url: `${this.urls.api}/repos/${c.repo.fullName}/check-suites/${run.id}`,
        artifacts_url: `${api}/artifacts`,
        cancel_url: `${api}/cancel`,
        rerun_url: `${api}/rerun`,
        previous_attempt_url: null,
        workflow_url: `${this.urls.api}/repos/${c.repo.fullName}/actions/workflows/${workflowId(run.path)}`,
        head_commit: {
          id: run.headSha,
          tree_id: 'c'.repeat(40),
          message: 'Train the model',
          timestamp: timestamp(run.created),
          author: { name: actor.login, email: `${actor.login}@users.noreply.github.com` },
          committer: { name: 'GitHub', email: 'noreply@github.com' },
        },
        repository: this.runRepository(c.repo, c.repo.fullName),
        head_repository: this.runRepository(c.repo, run.headRepo),
      },
    };
  }

  // workflow-run artifacts

  private artifactJson(repo: RepoState, a: ArtifactRecord) {
    const api = `${this.urls.api}/repos/${repo.fullName}/actions/artifacts/${a.id}`;
    return {
      id: a.id,
      node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
      name: a.name,
      size_in_bytes: a.zip.length,
      url: api,
      archive_download_url: `${api}/zip`,
      expired: a.expired,
      created_at: timestamp(a.created),
      expires_at: timestamp(a.created + 90 * 86400_000),
      updated_at: timestamp(a.created),
      digest: `sha256:${sha256(a.zip)}`,
      // The run's head when the run is recorded (a workflow runner registers every run it executes).
      workflow_run: {
        id: a.runId,
        repository_id: repo.id,
        head_repository_id: repo.id,
        head_branch: repo.runs.get(a.runId)?.headBranch ?? 'feature',
        head_sha: repo.runs.get(a.runId)?.headSha ?? 'a'.repeat(40),
      },
    };
  }

  private listArtifacts(c: Call): Reply {
    const runId = Number(c.params[0]);
    const name = c.query.get('name');
    const items = [...c.repo.artifacts.values()].filter((a) => a.runId === runId && (!name || a.name === name));
    const page = this.page(
      c,
      items.map((a) => this.artifactJson(c.repo, a)),
    );
    return { ...page, body: { total_count: items.length, artifacts: page.body } };
  }

  private listJobs(c: Call): Reply {
    const runId = Number(c.params[0]);
    const items = c.repo.jobs.filter((j) => j.runId === runId);
    const run = c.repo.runs.get(runId);
    const api = `${this.urls.api}/repos/${c.repo.fullName}/actions`;
    const html = `${this.urls.web}/${c.repo.fullName}/actions/runs/${runId}`;
    const page = this.page(
      c,
      items.map((j) => ({
        id: j.id,
        run_id: j.runId,
        run_url: `${api}/runs/${j.runId}`,
        run_attempt: run?.runAttempt ?? 1,
        node_id: `CR_kwDO${j.id}`,
        head_sha: run?.headSha ?? 'a'.repeat(40),
        url: `${api}/jobs/${j.id}`,
        html_url: `${html}/job/${j.id}`,
        status: 'in_progress',
        conclusion: null,
        created_at: timestamp(j.created),
        started_at: timestamp(j.created),
        completed_at: null,
        name: j.name,
        steps: [],
        check_run_url: `${this.urls.api}/repos/${c.repo.fullName}/check-runs/${j.id}`,
        labels: j.labels,
        runner_id: j.id,
        runner_name: j.runnerName,
        runner_group_id: 1,
        runner_group_name: 'Default',
        workflow_name: run?.name ?? 'mlgate',
        head_branch: run?.headBranch ?? 'feature',
      })),
    );
    return { ...page, body: { total_count: items.length, jobs: page.body } };
  }

  // listing workflow runs

  /**
   * GET /actions/runs and /actions/workflows/{workflow_id}/runs (a file name or the numeric id): newest first,
   * filtered by head_sha, branch, event and status, where status is a status (queued, in_progress, completed) or a
   * conclusion (success, failure, ...), as on GitHub.
   */
  private listRuns(c: Call, workflow?: string): Reply {
    const runs = [...c.repo.runs.values()]
      .filter(
        (run) =>
          workflow === undefined ||
          workflow === String(workflowId(run.path)) ||
          workflow === (run.path ?? '.github/workflows/mlgate.yml').split('/').pop(),
      )
      .filter((run) => !c.query.get('head_sha') || run.headSha === c.query.get('head_sha'))
      .filter((run) => !c.query.get('branch') || run.headBranch === c.query.get('branch'))
      .filter((run) => !c.query.get('event') || run.event === c.query.get('event'))
      .filter((run) => {
        const status = c.query.get('status');
        return !status || (run.status ?? 'completed') === status || run.conclusion === status;
      })
      .sort((a, b) => b.created - a.created || b.id - a.id);
    const page = this.page(
      c,
      runs.map((run) => this.getRun({ ...c, params: [String(run.id)] }).body),
    );
    return { ...page, body: { total_count: runs.length, workflow_runs: page.body } };
  }

  private downloadArtifact(c: Call): Reply {
    const a = c.repo.artifacts.get(Number(c.params[0]));
    if (!a) return notFound();
    if (a.expired) return { status: 410, body: { message: 'Artifact has expired', documentation_url: DOCS } };
    return {
      status: 302,
      headers: { location: `${this.urls.api}/_blobs/artifact/${encodeURIComponent(c.repo.fullName)}/${a.id}` },
    };
  }

  // --- repository contents --------------------------------------------------------------------------------------

  /** Files by repository, then by ref (a commit SHA or a branch name), then by path in the repository. */
  private readonly files = new Map<string, Map<string, Map<string, Buffer>>>();

  /**
   * Stores a file's contents as they are at `ref` (a commit SHA or a branch name), for
   * GET /repos/{owner}/{repo}/contents/{path}?ref=. A ref without the path answers 404, as GitHub does.
   */
  setFile(fullName: string, ref: string, path: string, contents: string | Uint8Array): void {
    let refs = this.files.get(fullName);
    if (!refs) this.files.set(fullName, (refs = new Map()));
    let paths = refs.get(ref);
    if (!paths) refs.set(ref, (paths = new Map()));
    paths.set(path.replace(/^\/+/, ''), Buffer.from(contents));
  }

  /**
   * GET /repos/{owner}/{repo}/contents/{path}: the file at `ref` (default: main), as base64 JSON, or its bytes with
   * the raw media type (Accept: application/vnd.github.raw, or .v3.raw as octokit asks). Files only.
   */
  private getContents(c: Call): Reply {
    const path = c.params[0]!.replace(/\/+$/, '');
    const ref = c.query.get('ref') || 'main';
    const data = this.files.get(c.repo.fullName)?.get(ref)?.get(path);
    if (!data) return notFound();
    const accept = String(c.headers.accept ?? '');
    if (/application\/vnd\.github(\.v3)?\.raw/.test(accept))
      return { status: 200, raw: data, headers: { 'content-type': 'text/plain; charset=utf-8' } };
    const blobSha = createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
    const api = `${this.urls.api}/repos/${c.repo.fullName}`;
    const html = `${this.urls.web}/${c.repo.fullName}/blob/${encodeURIComponent(ref)}/${path}`;
    const self = `${api}/contents/${path}?ref=${encodeURIComponent(ref)}`;
    const gitUrl = `${api}/git/blobs/${blobSha}`;
    // GitHub wraps the base64 at 60 characters.
    const content = `${(data.toString('base64').match(/.{1,60}/g) ?? []).join('\n')}\n`;
    return {
      status: 200,
      body: {
        type: 'file',
        encoding: 'base64',
        size: data.length,
        name: path.split('/').at(-1),
        path,
        content,
        sha: blobSha,
        url: self,
        git_url: gitUrl,
        html_url: html,
        download_url: `https://raw.githubusercontent.com/${c.repo.fullName}/${encodeURIComponent(ref)}/${path}`,
        _links: { self, git: gitUrl, html },
      },
    };
  }

  // --- workflow runs of a workflow file, merged pull requests, label events -----------------------------------

  private readonly workflowRuns = new Map<string, WorkflowRunRecord[]>();
  private readonly merges = new Map<string, { sha: string; at: number }>();
  private readonly labelEvents = new Map<
    string,
    { id: number; issue: number; label: string; actor: Identity; created: number }[]
  >();

  /** Records a run of a workflow file (by default a successful pull_request run of mlgate.yml). */
  addWorkflowRun(
    fullName: string,
    run: Partial<WorkflowRunRecord> & { id: number; head_sha: string },
  ): WorkflowRunRecord {
    const record: WorkflowRunRecord = {
      name: 'mlgate',
      path: '.github/workflows/mlgate.yml',
      event: 'pull_request',
      head_branch: 'feature',
      head_repository: fullName,
      conclusion: 'success',
      status: 'completed',
      pull_requests: [],
      run_attempt: 1,
      created_at: this.tick(),
      ...run,
    };
    const runs = this.workflowRuns.get(fullName) ?? [];
    runs.push(record);
    this.workflowRuns.set(fullName, runs);
    return record;
  }

  /** Merges a pull request with this merge commit: it is closed, and listed for that commit. */
  mergePullRequest(fullName: string, number: number, mergeCommitSha: string): void {
    const repo = this.repo(fullName);
    const pull = repo.pulls.get(number);
    if (!pull) throw new Error(`no pull request #${number} in ${fullName}`);
    const at = this.tick();
    pull.state = 'closed';
    const issue = repo.issues.get(number)!;
    issue.state = 'closed';
    issue.closed = at;
    this.merges.set(`${fullName}#${number}`, { sha: mergeCommitSha, at });
  }

  /** Adds a label to an issue or pull request as the token's owner (a person by default), with its `labeled` event. */
  labelIssue(fullName: string, number: number, name: string, token = GitHubEmulator.OTHER_USER_TOKEN): void {
    const issue = this.repo(fullName).issues.get(number);
    if (!issue) throw new Error(`no issue #${number} in ${fullName}`);
    if (!issue.labels.includes(name)) issue.labels.push(name);
    const events = this.labelEvents.get(fullName) ?? [];
    events.push({ id: this.id(), issue: number, label: name, actor: this.tokens.get(token)!, created: this.tick() });
    this.labelEvents.set(fullName, events);
  }

  /** GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs: by file name, filtered as GitHub filters. */
  private listWorkflowRuns(c: Call): Reply {
    const file = c.params[0]!;
    const all = (this.workflowRuns.get(c.repo.fullName) ?? []).filter((r) => r.path === `.github/workflows/${file}`);
    if (all.length === 0) return notFound();
    const [status, sha, branch, event] = ['status', 'head_sha', 'branch', 'event'].map((q) => c.query.get(q));
    const statuses = ['completed', 'action_required', 'in_progress', 'queued', 'requested', 'waiting', 'pending'];
    const items = all
      .filter((r) => !status || (statuses.includes(status) ? r.status === status : r.conclusion === status))
      .filter(
        (r) => (!sha || r.head_sha === sha) && (!branch || r.head_branch === branch) && (!event || r.event === event),
      )
      .sort((a, b) => b.created_at - a.created_at);
    const page = this.page(
      c,
      items.map((r) => this.workflowRunJson(c.repo, r)),
    );
    return { ...page, body: { total_count: items.length, workflow_runs: page.body } };
  }

  private workflowRunJson(repo: RepoState, run: WorkflowRunRecord) {
    const api = `${this.urls.api}/repos/${repo.fullName}/actions/runs/${run.id}`;
    const own = run.head_repository === repo.fullName;
    const actor = user(this.urls, run.head_repository.split('/')[0]!, own ? repo.owner.id : 77);
    const repoRef = (fullName: string) => ({
      id: fullName === repo.fullName ? repo.id : repo.id + 1,
      url: `${this.urls.api}/repos/${fullName}`,
      name: fullName.split('/')[1]!,
    });
    return {
      id: run.id,
      name: run.name,
      node_id: `WFR_${run.id}`,
      head_branch: run.head_branch,
      head_sha: run.head_sha,
      path: run.path,
      display_title: run.name,
      run_number: run.id % 1000,
      run_attempt: run.run_attempt,
      event: run.event,
      status: run.status,
      conclusion: run.conclusion,
      workflow_id: 161335,
      url: api,
      html_url: `${this.urls.web}/${repo.fullName}/actions/runs/${run.id}`,
      pull_requests: run.pull_requests.flatMap((number) => {
        const p = repo.pulls.get(number);
        if (!p) return [];
        return [
          {
            id: repo.issues.get(number)!.id,
            number,
            url: `${this.urls.api}/repos/${repo.fullName}/pulls/${number}`,
            head: { ref: p.headRef, sha: p.headSha, repo: repoRef(p.headRepo) },
            base: { ref: 'main', sha: 'b'.repeat(40), repo: repoRef(repo.fullName) },
          },
        ];
      }),
      created_at: timestamp(run.created_at),
      updated_at: timestamp(run.created_at),
      run_started_at: timestamp(run.created_at),
      actor,
      triggering_actor: actor,
      jobs_url: `${api}/jobs`,
      logs_url: `${api}/logs`,
      check_suite_url: `${this.urls.api}/repos/${repo.fullName}/check-suites/${run.id}`,
      artifacts_url: `${api}/artifacts`,
      cancel_url: `${api}/cancel`,
      rerun_url: `${api}/rerun`,
      previous_attempt_url: null,
      workflow_url: `${this.urls.api}/repos/${repo.fullName}/actions/workflows/161335`,
      head_commit: {
        id: run.head_sha,
        tree_id: 'c'.repeat(40),
        message: run.name,
        timestamp: timestamp(run.created_at),
        author: { name: actor.login, email: `${actor.login}@users.noreply.github.com` },
        committer: { name: 'GitHub', email: 'noreply@github.com' },
      },
      repository: this.runRepository(repo, repo.fullName),
      head_repository: this.runRepository(repo, run.head_repository),
    };
  }

  /** GET /repos/{owner}/{repo}/issues/{issue_number}/events: the `labeled` events, oldest first. */
  private listIssueEvents(c: Call): Reply {
    const number = Number(c.params[0]);
    if (!c.repo.issues.has(number)) return notFound();
    const events = (this.labelEvents.get(c.repo.fullName) ?? []).filter((e) => e.issue === number);
    return this.page(
      c,
      events.map((e) => ({
        id: e.id,
        node_id: `LE_${e.id}`,
        url: `${this.urls.api}/repos/${c.repo.fullName}/issues/events/${e.id}`,
        actor: user(this.urls, e.actor.login, e.actor.id, e.actor.type),
        event: 'labeled',
        commit_id: null,
        commit_url: null,
        created_at: timestamp(e.created),
        performed_via_github_app: null,
        label: { name: e.label, color: 'ededed' },
      })),
    );
  }

  /** One page of a list, with GitHub's Link header (per_page at most 100, default 30). */
  private page<T>(c: Call, items: T[]): Reply {
    const perPage = Math.min(Math.max(Number(c.query.get('per_page') ?? 30) || 30, 1), 100);
    const page = Math.max(Number(c.query.get('page') ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const link = (p: number, rel: string) => {
      const q = new URLSearchParams(c.query);
      q.set('page', String(p));
      q.set('per_page', String(perPage));
      return `<${this.urls.api}${c.path}?${q}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'));
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    return {
      status: 200,
      body: items.slice((page - 1) * perPage, page * perPage),
      headers: links.length ? { link: links.join(', ') } : {},
    };
  }
}

/** A workflow's numeric id, stable for its path (GitHub numbers workflows per repository). */
function workflowId(path = '.github/workflows/mlgate.yml'): number {
  return path === '.github/workflows/mlgate.yml'
    ? 161335
    : 100000 + (parseInt(sha256(Buffer.from(path)).slice(0, 6), 16) % 900000);
}

function reactions(url: string) {
  return { url, total_count: 0, '+1': 0, '-1': 0, laugh: 0, confused: 0, heart: 0, hooray: 0, eyes: 0, rocket: 0 };
}

function notFound(): Reply {
  return { status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } };
}

function validationFailed(resource: string, field: string, code: string): Reply {
  return {
    status: 422,
    body: { message: 'Validation Failed', errors: [{ resource, code, field }], documentation_url: DOCS, status: '422' },
  };
}

function requireString(json: any, field: string, max: number): Reply | undefined {
  const value = json?.[field];
  if (typeof value !== 'string' || value === '') return validationFailed('Issue', field, 'missing_field');
  if (value.length > max)
    return {
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [
          {
            resource: 'IssueComment',
            code: 'custom',
            field,
            message: `${field} is too long (maximum is ${max} characters)`,
          },
        ],
        documentation_url: DOCS,
        status: '422',
      },
    };
  return undefined;
}

function faultReply(fault: Fault): Reply {
  const wait = fault.amount ?? 1;
  switch (fault.kind) {
    case 'rate-limit':
      return {
        status: 429,
        headers: {
          'retry-after': String(wait),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + wait),
        },
        body: { message: 'API rate limit exceeded for installation ID 1.', documentation_url: DOCS, status: '429' },
      };
    case 'secondary-rate-limit':
      return {
        status: 403,
        headers: { 'retry-after': String(wait) },
        body: {
          message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url: DOCS,
          status: '403',
        },
      };
    case '502':
      return { status: 502, body: { message: 'Server Error' } };
    case '400':
      // Not retried by clients: the run fails at this step, and a re-run must finish the work.
      return { status: 400, body: { message: 'Bad Request', documentation_url: DOCS, status: '400' } };
    default:
      return { status: 500, body: { message: 'Server Error' } };
  }
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { 'x-github-media-type': 'github.v3; format=json', ...(reply.headers ?? {}) };
  if (reply.raw) {
    res.writeHead(reply.status, { 'content-length': String(reply.raw.length), ...headers });
    res.end(reply.raw);
    return;
  }
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
