import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { GitHubEmulator } from '../emulator/server.js';
import { REPOSITORY } from '../events.js';
import type { WorkflowEvent } from './triggers.js';

/** File contents by path; null deletes the file. */
export type FixtureFiles = Record<string, string | Uint8Array | null>;

/** A pull request opened in the fixture repository and in the GitHub emulator. */
export interface FixturePullRequest {
  number: number;
  /** The branch, in this repository or in the fork. */
  headRef: string;
  headSha: string;
  baseSha: string;
  /** `acme/models`, or the fork's `someone/models`. */
  headRepo: string;
  title: string;
  labels: string[];
}

/** The fork a fork's pull request comes from. */
export const FORK_REPOSITORY = 'someone/models';

const AUTHOR = ['-c', 'user.name=Model Author', '-c', 'user.email=author@example.com', '-c', 'commit.gpgsign=false'];

/**
 * A real git repository in a temporary folder, standing for the repository on GitHub: `main` is its default branch,
 * branches hold pull requests' heads (a fork's commits live here too, under `fork/<branch>`, as GitHub keeps them
 * under refs/pull/). The checkout stand-in fetches from it by SHA, as actions/checkout fetches from GitHub.
 */
export class FixtureRepo {
  /** The folder of the repository (with a work tree, used only to make commits). */
  readonly dir: string;
  readonly repository: string;
  private readonly pulls = new Map<number, FixturePullRequest>();

  constructor(files: FixtureFiles, repository = REPOSITORY) {
    this.dir = mkdtempSync(join(tmpdir(), 'mlgate-fixture-repo-'));
    this.repository = repository;
    this.git('init', '--quiet', '--initial-branch=main');
    // actions/checkout fetches one SHA; GitHub serves any reachable one.
    this.git('config', 'uploadpack.allowAnySHA1InWant', 'true');
    this.commit('main', files, 'Initial commit');
  }

  /** Runs git in the repository and returns its trimmed output. */
  git(...args: string[]): string {
    return execFileSync('git', [...AUTHOR, ...args], {
      cwd: this.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  }

  /** The SHA a branch points at. */
  head(branch = 'main'): string {
    return this.git('rev-parse', `refs/heads/${branch}`);
  }

  /** Whether a branch exists. */
  hasBranch(branch: string): boolean {
    try {
      this.git('rev-parse', '--verify', '--quiet', `refs/heads/${branch}`);
      return true;
    } catch {
      return false;
    }
  }

  /** Commits `files` on `branch` (created from `from`, main by default, when missing); returns the new SHA. */
  commit(
    branch: string,
    files: FixtureFiles,
    message = `Change ${Object.keys(files).join(', ')}`,
    from = 'main',
  ): string {
    if (this.hasBranch(branch)) this.git('checkout', '--quiet', '--force', branch);
    else if (this.hasBranch(from)) this.git('checkout', '--quiet', '--force', '-b', branch, from);
    // else: the first commit, on the unborn main.
    for (const [path, content] of Object.entries(files)) {
      const target = join(this.dir, path);
      if (content === null) rmSync(target, { force: true });
      else {
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, content);
      }
    }
    this.git('add', '--all');
    this.git('commit', '--quiet', '--allow-empty', '-m', message);
    return this.head(branch);
  }

  /** The files a commit range changes (`base...head`: since their merge base), for `paths:` filters. */
  changedFiles(base: string, head: string): string[] {
    const text = this.git('diff', '--name-only', `${base}...${head}`);
    return text ? text.split('\n') : [];
  }

  /** A file's content at a commit. */
  show(sha: string, path: string): string {
    return this.git('show', `${sha}:${path}`);
  }

  /**
   * Opens a pull request from `branch` into main: in the emulator (with the right head SHA and head repository)
   * and here. `fork: true` makes it come from {@link FORK_REPOSITORY}.
   */
  openPullRequest(
    github: GitHubEmulator,
    options: { branch: string; fork?: boolean; title?: string; labels?: string[]; number?: number },
  ): FixturePullRequest {
    const headRepo = options.fork ? FORK_REPOSITORY : this.repository;
    const record = github.addPullRequest(this.repository, {
      headSha: this.head(options.branch),
      headRef: options.branch,
      headRepo,
      labels: options.labels ?? [],
      ...(options.title ? { title: options.title } : {}),
      ...(options.number ? { number: options.number } : {}),
    });
    const pull: FixturePullRequest = {
      number: record.number,
      headRef: options.branch,
      headSha: record.headSha,
      baseSha: this.git('merge-base', 'main', options.branch),
      headRepo,
      title: record.title,
      labels: record.labels,
    };
    this.pulls.set(pull.number, pull);
    return pull;
  }

  /** Commits on a pull request's branch and moves the pull request's head in the emulator (a `synchronize`). */
  pushToPullRequest(github: GitHubEmulator, number: number, files: FixtureFiles, message?: string): FixturePullRequest {
    const pull = this.pull(number);
    pull.headSha = this.commit(pull.headRef, files, message);
    pull.baseSha = this.git('merge-base', 'main', pull.headRef);
    github.repo(this.repository).pulls.get(number)!.headSha = pull.headSha;
    return pull;
  }

  /** The pull request as the fixture knows it. */
  pull(number: number): FixturePullRequest {
    const pull = this.pulls.get(number);
    if (!pull) throw new Error(`no pull request #${number} in the fixture repository`);
    return pull;
  }

  /**
   * A new `pull_request` event for a pull request (opened, synchronize, labeled, ...), with GitHub's payload shape,
   * the real base and head SHAs and the emulator's current labels. A re-run does not take a new event: it reuses the
   * first run's, as GitHub does.
   */
  pullRequestEvent(github: GitHubEmulator, number: number, action = 'synchronize'): WorkflowEvent {
    const pull = this.pull(number);
    const labels = github.repo(this.repository).pulls.get(number)?.labels ?? pull.labels;
    const repo = (fullName: string) => repositoryPayload(fullName, fullName !== this.repository);
    return {
      name: 'pull_request',
      payload: {
        action,
        number,
        pull_request: {
          number,
          state: 'open',
          title: pull.title,
          merged: false,
          user: { login: 'contributor', type: 'User' },
          labels: labels.map((name) => ({ name })),
          head: {
            ref: pull.headRef,
            sha: pull.headSha,
            label: `${pull.headRepo.split('/')[0]}:${pull.headRef}`,
            repo: repo(pull.headRepo),
          },
          base: {
            ref: 'main',
            sha: pull.baseSha,
            label: `${this.repository.split('/')[0]}:main`,
            repo: repo(this.repository),
          },
        },
        repository: repo(this.repository),
        sender: { login: 'contributor', type: 'User' },
      },
    };
  }

  /**
   * Merges a pull request with a merge commit on main, closes it in the emulator, and returns the `push` event of
   * main that the merge triggers.
   */
  merge(github: GitHubEmulator, number: number): WorkflowEvent & { sha: string } {
    const pull = this.pull(number);
    const before = this.head('main');
    this.git('checkout', '--quiet', '--force', 'main');
    this.git(
      'merge',
      '--quiet',
      '--no-ff',
      '-m',
      `Merge pull request #${number} from ${pull.headRepo.split('/')[0]}/${pull.headRef}`,
      pull.headRef,
    );
    const sha = this.head('main');
    const record = github.repo(this.repository).pulls.get(number);
    if (record) record.state = 'closed';
    const issue = github.repo(this.repository).issues.get(number);
    if (issue) issue.state = 'closed';
    return { ...pushEventOf(this.repository, 'main', before, sha), sha };
  }

  /** The `push` event of a commit made directly on a branch (`before` is the branch's previous head). */
  pushEvent(branch: string, before: string): WorkflowEvent {
    return pushEventOf(this.repository, branch, before, this.head(branch));
  }
}

function pushEventOf(repository: string, branch: string, before: string, after: string): WorkflowEvent {
  return {
    name: 'push',
    payload: {
      ref: `refs/heads/${branch}`,
      before,
      after,
      head_commit: { id: after, message: 'Merge' },
      repository: repositoryPayload(repository, false),
      pusher: { name: 'maintainer' },
      sender: { login: 'maintainer', type: 'User' },
    },
  };
}

function repositoryPayload(fullName: string, fork: boolean) {
  const [login, name] = fullName.split('/');
  return {
    id: fork ? 2 : 1,
    name,
    full_name: fullName,
    private: false,
    fork,
    owner: { login, type: fork ? 'User' : 'Organization' },
    default_branch: 'main',
  };
}

/**
 * Makes a fixture repository with `files` committed on main.
 *
 * @example
 * const repo = createFixtureRepo({ 'data/train.csv': 'x,label\n1,0\n' });
 * repo.commit('better-model', { 'model.onnx': bytes });
 * const pull = repo.openPullRequest(github, { branch: 'better-model' });
 * await runWorkflow({ workflow, event: repo.pullRequestEvent(github, pull.number), repo, github, results });
 */
export function createFixtureRepo(files: FixtureFiles, repository = REPOSITORY): FixtureRepo {
  return new FixtureRepo(files, repository);
}
