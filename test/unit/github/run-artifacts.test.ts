import { describe, expect, it } from 'vitest';
import { baselineRunRefusal, type BaselineRunFacts } from '../../../src/github/run-artifacts.js';

describe('baselineRunRefusal', () => {
  const run = (facts: Partial<BaselineRunFacts>): BaselineRunFacts => ({
    id: 1,
    event: 'push',
    headBranch: 'main',
    headRepository: 'acme/models',
    pullRequests: [],
    ...facts,
  });
  const pull = { number: 7, repository: 'acme/models', ref: 'feature' };
  const fork = { number: 8, repository: 'mallory/models', ref: 'patch-1' };

  it.each([
    ['a push run of main', run({}), undefined, true],
    ['a schedule run of main', run({ event: 'schedule' }), pull, true],
    ['a workflow_dispatch run of main', run({ event: 'workflow_dispatch' }), undefined, true],
    [
      'a pull_request run of a fork branch named main',
      run({ event: 'pull_request', headRepository: 'mallory/models' }),
      undefined,
      false,
    ],
    ['a pull_request_target run on main', run({ event: 'pull_request_target' }), undefined, false],
    ['a push run of another branch', run({ headBranch: 'dev' }), undefined, false],
    ['a run whose head repository is gone', run({ headRepository: undefined }), undefined, false],
    ['a run of the same pull request', run({ event: 'pull_request', headBranch: 'feature' }), pull, true],
    [
      'a run listing the pull request',
      run({ event: 'pull_request', headBranch: 'renamed', pullRequests: [7] }),
      pull,
      true,
    ],
    [
      'a run of another pull request',
      run({ event: 'pull_request', headBranch: 'other', pullRequests: [9] }),
      pull,
      false,
    ],
    [
      'a run of the same fork pull request',
      run({ event: 'pull_request', headBranch: 'patch-1', headRepository: 'mallory/models' }),
      fork,
      true,
    ],
    [
      "a fork run listing the pull request's number",
      run({ event: 'pull_request', headBranch: 'x', headRepository: 'mallory/models', pullRequests: [7] }),
      pull,
      false,
    ],
  ])('%s', (_, facts, current, accepted) => {
    expect(baselineRunRefusal(facts, 'acme/models', 'main', current) === undefined).toBe(accepted);
  });
});
