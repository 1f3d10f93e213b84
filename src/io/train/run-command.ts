import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface CommandResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationSeconds: number;
}

export interface RunCommandOptions {
  command: string;
  cwd: string;
  timeoutMs: number;
  /** Each line the command writes, stdout and stderr alike. */
  onLine: (line: string) => void;
  /** How long the command has to exit after SIGTERM before the whole tree gets SIGKILL. */
  graceMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs a shell command as the runner runs a `run:` step (bash -eo pipefail, else sh -e), in a process group of its
 * own so that a timeout stops the whole tree: SIGTERM to the group, then SIGKILL after the grace period. A
 * cancelled job (SIGTERM or SIGINT to this process) is passed on to the group the same way.
 */
export function runCommand(options: RunCommandOptions): Promise<CommandResult> {
  const started = Date.now();
  const windows = process.platform === 'win32';
  const bash = !windows && ['/bin/bash', '/usr/bin/bash'].find((p) => existsSync(p));
  const [file, args] = windows
    ? ['cmd.exe', ['/d', '/s', '/c', options.command]]
    : bash
      ? [bash, ['--noprofile', '--norc', '-eo', 'pipefail', '-c', options.command]]
      : ['/bin/sh', ['-e', '-c', options.command]];
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: !windows,
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  for (const stream of [child.stdout, child.stderr])
    createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', options.onLine);

  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stopTree = () => {
    signalTree(child.pid, 'SIGTERM');
    killTimer ??= setTimeout(() => signalTree(child.pid, 'SIGKILL'), options.graceMs ?? 10_000);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stopTree();
  }, options.timeoutMs);
  const onCancel = () => stopTree();
  process.on('SIGTERM', onCancel);
  process.on('SIGINT', onCancel);

  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', () => {
      clearTimeout(timer);
      // Children of the command that outlive it (a data loader left behind) go with it, and release its output.
      signalTree(child.pid, 'SIGKILL');
    });
    // 'close' comes once the output is read to its end as well.
    child.on('close', (code, signal) => {
      process.off('SIGTERM', onCancel);
      process.off('SIGINT', onCancel);
      clearTimeout(killTimer);
      resolve({ exitCode: code, signal, timedOut, durationSeconds: (Date.now() - started) / 1000 });
    });
  });
}

/** Sends a signal to the process group led by `pid` (the whole tree the command started). */
function signalTree(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
  } catch {
    // Already gone.
  }
}
