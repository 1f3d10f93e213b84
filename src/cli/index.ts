import { errorMessage, isUserError } from '../core/errors.js';
import { httpStatus } from '../github/errors.js';
import { readGitHubContext } from '../github/context.js';
import { readMlgateEnvironment } from '../io/environment.js';
import { cliInputReader, parseArgs, renderHelp } from './args.js';
import { createCliHost } from './cli-host.js';
import { COMMANDS } from './commands.js';

/** `mlgate <command> [options]`: every action runs here with the same options as its inputs. */
async function main(argv: readonly string[]): Promise<number> {
  const { debug } = readMlgateEnvironment();
  const host = createCliHost(process.stdout, process.stderr, debug);
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    host.print(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    host.error(`unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const args = parseArgs(rest, command.inputs, command.positional);
    if (args.help) {
      host.print(renderHelp(name, command.summary, command.inputs));
      return 0;
    }
    const context = readGitHubContext(process.env);
    await command.run({
      host,
      inputs: cliInputReader(args, command.inputs, process.env),
      context,
      cwd: process.cwd(),
      createClient: async (token) =>
        (await import('../github/client.js')).createGitHubClient({ token, apiUrl: context.apiUrl, logger: host }),
    });
    // A command that reported a failed check (host.fail) has set the exit code itself.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (isUserError(error)) host.error(error.message);
    else if (httpStatus(error) !== undefined)
      host.error(`GitHub API request failed with status ${httpStatus(error)}: ${errorMessage(error)}`);
    else
      host.error(
        `mlgate failed unexpectedly: ${debug && error instanceof Error ? error.stack : errorMessage(error)} (a bug in mlgate; set MLGATE_DEBUG=1 for the stack trace)`,
      );
    return 1;
  }
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    'Usage: mlgate <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`),
    '',
    'mlgate <command> --help lists its options.',
  ].join('\n');
}

process.exitCode = await main(process.argv.slice(2));
