import { ConfigurationError } from '../core/errors.js';
import type { InputReader, InputSpecs } from '../actions/runtime/inputs.js';

/** Parsed command-line options of one command: `--name value`, `--name=value`, or a bare `--flag` (true). */
export interface ParsedArgs {
  values: Map<string, string[]>;
  help: boolean;
}

/**
 * Parses options named exactly as the action's inputs. Repeated options and positional arguments (given to the
 * command's positional input, e.g. shell-expanded report files) are joined one per line, as a multi-line input.
 */
export function parseArgs(argv: readonly string[], specs: InputSpecs, positional?: string): ParsedArgs {
  const values = new Map<string, string[]>();
  const add = (name: string, value: string) => values.set(name, [...(values.get(name) ?? []), value]);
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      if (!positional) throw new ConfigurationError(`unexpected argument "${arg}"; options are written --name value`);
      add(positional, arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!(name in specs)) {
      throw new ConfigurationError(
        `unknown option --${name}; the options are ${Object.keys(specs)
          .map((n) => `--${n}`)
          .join(', ')}`,
      );
    }
    if (eq > 0) add(name, arg.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) add(name, argv[++i]!);
    else add(name, 'true');
  }
  return { values, help };
}

/** Reads options as inputs, falling back to each input's default; `${{ github.token }}` becomes $GITHUB_TOKEN. */
export function cliInputReader(args: ParsedArgs, specs: InputSpecs, env: NodeJS.ProcessEnv): InputReader {
  return {
    get: (name) => {
      const given = args.values.get(name);
      if (given) return given.join('\n');
      const fallback = specs[name]?.default ?? '';
      if (fallback.includes('github.token')) return env.GITHUB_TOKEN ?? env.GH_TOKEN ?? '';
      return fallback.includes('${{') ? '' : fallback;
    },
    label: (name) => `option --${name}`,
  };
}

/** The help text of one command, listing its options with their defaults. */
export function renderHelp(command: string, summary: string, specs: InputSpecs): string {
  const lines = [`mlgate ${command}: ${summary}`, '', "Options (the same as the action's inputs):"];
  for (const [name, spec] of Object.entries(specs)) {
    const fallback = spec.default
      ? ` (default: ${spec.default.includes('github.token') ? '$GITHUB_TOKEN' : spec.default})`
      : '';
    lines.push(`  --${name}${spec.required ? ' (required)' : ''}`, `      ${spec.description}${fallback}`);
  }
  return lines.join('\n');
}
