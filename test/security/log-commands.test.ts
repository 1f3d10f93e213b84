import { describe, expect, it } from 'vitest';
import { dataFolder } from '../support/datasets.js';
import { runAction } from '../support/run-action.js';
import { runCli } from '../support/run-cli.js';

/**
 * The workflow commands a runner would carry out from a step's output, read as the runner reads them: a line that
 * starts with `::` (after white space), or holds `##[`, is a command, except between `::stop-commands::TOKEN` and
 * `::TOKEN::`.
 */
function commandsIn(log: string): string[] {
  const commands: string[] = [];
  let stopToken: string | undefined;
  for (const raw of log.split(/\r?\n/)) {
    const line = raw.trim();
    if (stopToken !== undefined) {
      if (line === `::${stopToken}::`) stopToken = undefined;
      continue;
    }
    const stop = /^::stop-commands::(.+)$/.exec(line);
    if (stop) stopToken = stop[1];
    else if (line.startsWith('::') || line.includes('##[')) commands.push(line);
  }
  return commands;
}

/** A column name that, printed raw, ends one log line and starts a command of the attacker's choosing. */
const HOSTILE = 'a\n::warning title=INJECTED::gotcha\n::add-mask::passed\n##[error]forged';
const hostileCsv = (shift: number) =>
  `"${HOSTILE.replace(/"/g, '""')}",b\n${Array.from({ length: 300 }, (_, i) => `${(i % 17) + shift},${i % 5}`).join('\n')}\n`;

const forged = (commands: string[]) =>
  commands.filter((c) => /INJECTED|add-mask|forged/.test(c) && !/^::(error|warning|notice|debug)[^:]*::.*%0A/.test(c));

describe('data text in the step log never becomes a workflow command', () => {
  it('validate-data reporting a violation in a column whose name holds commands', async () => {
    const contract = { schema: 'mlgate/contract@1', columns: { [HOSTILE]: { type: 'int' }, b: { type: 'int' } } };
    const cwd = dataFolder({ 'data.csv': `${hostileCsv(0)}text,1\n`, 'contract.json': JSON.stringify(contract) });
    const result = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'data.csv', contract: 'contract.json' },
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toContain('INJECTED');
    expect(forged(commandsIn(result.stdout))).toEqual([]);
  });

  it('drift-check comparing two files with that header', async () => {
    const cwd = dataFolder({ 'ref.csv': hostileCsv(0), 'cur.csv': hostileCsv(9) });
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', current: 'cur.csv' },
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('INJECTED');
    expect(forged(commandsIn(result.stdout))).toEqual([]);
  });

  it('the CLI run from a workflow step (GITHUB_ACTIONS=true)', async () => {
    const cwd = dataFolder({ 'ref.csv': hostileCsv(0), 'cur.csv': hostileCsv(9) });
    const result = await runCli(['drift-check', '--reference', 'ref.csv', '--current', 'cur.csv'], {
      cwd,
      env: { GITHUB_ACTIONS: 'true' },
    });
    const log = result.stdout + result.stderr;
    expect(log).toContain('INJECTED');
    expect(forged(commandsIn(log))).toEqual([]);
  });
});
