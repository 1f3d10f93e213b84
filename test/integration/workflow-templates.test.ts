import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { describe, expect, it } from 'vitest';
import { lintWorkflow } from '../support/workflow-lint.js';
import { ROOT } from '../support/run-action.js';

const folder = join(ROOT, 'workflow-templates');
const templates = readdirSync(folder).filter((f) => f.endsWith('.yml'));

describe.each(templates)('workflow-templates/%s', (name) => {
  const text = readFileSync(join(folder, name), 'utf8');

  it("parses without errors with GitHub's own workflow parser", () => {
    const result = parseWorkflow(
      { name, content: text.replace(/\$default-branch/g, 'main') },
      new NoOperationTraceWriter(),
    );
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
  });

  it('passes the security lint', () => {
    expect(lintWorkflow(text)).toEqual([]);
  });

  it('has a .properties.json with a name, a description and categories', () => {
    const properties = JSON.parse(readFileSync(join(folder, name.replace(/\.yml$/, '.properties.json')), 'utf8'));
    expect(properties).toMatchObject({
      name: expect.any(String),
      description: expect.any(String),
      categories: expect.any(Array),
    });
  });
});

describe("GitHub's workflow parser, as used above", () => {
  it('reports a workflow that breaks the schema', () => {
    const result = parseWorkflow(
      { name: 'bad.yml', content: 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n' },
      new NoOperationTraceWriter(),
    );
    expect(result.context.errors.getErrors().length).toBeGreaterThan(0);
  });
});

describe("every action.yml parses with GitHub's action parser", () => {
  it.each(readdirSync(join(ROOT, 'actions')))('actions/%s/action.yml', (action) => {
    const result = parseAction(
      { name: 'action.yml', content: readFileSync(join(ROOT, 'actions', action, 'action.yml'), 'utf8') },
      new NoOperationTraceWriter(),
    );
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
  });
});

describe('the security lint', () => {
  it.each([
    [
      'an event expression in run:',
      'permissions: {}\non: pull_request\njobs:\n  a:\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n',
      'injection',
    ],
    [
      'the head ref in run:',
      'permissions: {}\non: pull_request\njobs:\n  a:\n    steps:\n      - run: git checkout ${{ github.head_ref }}\n',
      'injection',
    ],
    ['no top-level permissions', 'on: push\njobs:\n  a:\n    steps:\n      - run: echo\n', 'permissions'],
    ['write at the top level', 'on: push\npermissions:\n  contents: write\njobs: {}\n', 'permissions'],
    ['write-all', 'on: push\npermissions: write-all\njobs: {}\n', 'permissions'],
    [
      'a checkout of the head under pull_request_target',
      'on: pull_request_target\npermissions: {}\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n',
      'pwn-request',
    ],
    [
      'a third-party action on a tag',
      'on: push\npermissions: {}\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n',
      'pinning',
    ],
  ])('flags %s', (_, text, rule) => {
    expect(lintWorkflow(text).map((f) => f.rule)).toContain(rule);
  });
});
