import { describe, expect, it } from 'vitest';
import { commandEnvironment } from '../../../../src/core/train/command-environment.js';
import { redactCommand, secretValues } from '../../../../src/core/train/redact-command.js';

describe('commandEnvironment', () => {
  it("keeps what a run: step gets and leaves out the runner's tokens, file commands and the inputs", () => {
    const { env, removed } = commandEnvironment({
      PATH: '/usr/bin',
      GITHUB_REPOSITORY: 'acme/models',
      GITHUB_STEP_SUMMARY: '/tmp/summary',
      WANDB_API_KEY: 'set by the workflow',
      'INPUT_GITHUB-TOKEN': 'ghs_x',
      INPUT_COMMAND: 'python train.py',
      ACTIONS_RUNTIME_TOKEN: 'jwt',
      ACTIONS_RESULTS_URL: 'https://results',
      GITHUB_OUTPUT: '/tmp/out',
      GITHUB_ENV: '/tmp/env',
      STATE_x: '1',
      UNSET: undefined,
    });
    expect(env).toEqual({
      PATH: '/usr/bin',
      GITHUB_REPOSITORY: 'acme/models',
      GITHUB_STEP_SUMMARY: '/tmp/summary',
      WANDB_API_KEY: 'set by the workflow',
      GITHUB_ENV: '/tmp/env',
    });
    expect(removed).toEqual([
      'ACTIONS_RESULTS_URL',
      'ACTIONS_RUNTIME_TOKEN',
      'GITHUB_OUTPUT',
      'INPUT_COMMAND',
      'INPUT_GITHUB-TOKEN',
      'STATE_x',
    ]);
  });
});

describe('redactCommand', () => {
  it.each([
    ['python train.py --epochs 3', 'python train.py --epochs 3'],
    ['python train.py --api-key abc123def --epochs 3', 'python train.py --api-key *** --epochs 3'],
    ['python train.py --hf-token=hf_abcdefghijklmnopqrstuvwx', 'python train.py --hf-token=***'],
    ['WANDB_API_KEY=0123456789abcdef python train.py', 'WANDB_API_KEY=*** python train.py'],
    ['export HF_TOKEN="quoted value"', 'export HF_TOKEN=***'],
    ['echo "$HF_TOKEN" && train --token "$T"', 'echo "$HF_TOKEN" && train --token "$T"'],
    [
      'git clone https://x-access-token:ghs_abcdefghijklmnopqrstuvwx@github.com/a/b',
      'git clone https://x-access-token:***@github.com/a/b',
    ],
    ['curl -H "Authorization: Bearer abcdefgh12345678"', 'curl -H "Authorization: Bearer ***"'],
    ['aws s3 cp s3://b/x . # AKIAIOSFODNN7EXAMPLE', 'aws s3 cp s3://b/x . # ***'],
    ['GIT_AUTHOR_NAME=Ada make train', 'GIT_AUTHOR_NAME=Ada make train'],
    ['train --tokenizer bpe --author ada', 'train --tokenizer bpe --author ada'],
    ['train --wandb-key 0123456789abcdef --hf-key=abcdef123456', 'train --wandb-key *** --hf-key=***'],
    ['WANDB_KEY=0123456789abcdef train', 'WANDB_KEY=*** train'],
    [
      'curl -H "X-Api-Key: abcdef123456" -H "PRIVATE-TOKEN: glpat-abcdef123456"',
      'curl -H "X-Api-Key: ***" -H "PRIVATE-TOKEN: ***"',
    ],
    ['login --password "pa$sword123" --token "$T"', 'login --password *** --token "$T"'],
    ['aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG', 'aws configure set aws_secret_access_key ***'],
    ['train --shard-key id --epochs 3', 'train --shard-key *** --epochs 3'],
  ])('%j shows as %j', (command, shown) => {
    expect(redactCommand(command, [])).toBe(shown);
  });

  it('masks known secret values wherever they stand, longest first', () => {
    expect(redactCommand('run abcdefgh then abcdefgh-longer', ['abcdefgh', 'abcdefgh-longer'])).toBe(
      'run *** then ***',
    );
  });

  it('takes linear time on a long run of name-like parts', () => {
    const started = performance.now();
    redactCommand(`${'a-'.repeat(30_000)}x`, []);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('ignores values too short to be secrets', () => {
    expect(redactCommand('run ab', ['ab'])).toBe('run ab');
  });
});

describe('secretValues', () => {
  it('takes the values of variables named as credentials', () => {
    expect(
      secretValues({
        HF_TOKEN: 'a1',
        PWD: '/work',
        GIT_AUTHOR_NAME: 'Ada',
        'INPUT_GITHUB-TOKEN': 'g',
        DB_PASSWORD: 'p',
      }).sort(),
    ).toEqual(['a1', 'g', 'p']);
  });
});
