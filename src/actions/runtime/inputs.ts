import { ConfigurationError } from '../../core/errors.js';

/** One input of an action (and the CLI option of the same name). */
export interface InputSpec {
  description: string;
  /** The default as action.yml states it (may be an expression such as `${{ github.token }}`). */
  default?: string;
  required?: boolean;
  /** Only the CLI has it (e.g. --output); action.yml does not. */
  cliOnly?: boolean;
  /**
   * An empty value is a setting of its own, not the default: train's `artifact-name` (empty: no upload), evaluate's
   * `baseline` (empty: none), `override-label` (empty: no override) and the `tag-prefix` inputs (empty: tags that
   * are the bare version). Each meant that before empty meant the default elsewhere, and workflows may rely on it.
   */
  keepEmpty?: boolean;
}

export type InputSpecs = Record<string, InputSpec>;
export type OutputSpecs = Record<string, { description: string }>;

/** Reads one input's raw text ('' when not given) and names it the way its user sees it in errors. */
export interface InputReader {
  get(name: string): string;
  /** `input "mode"` for the action, `option --mode` for the CLI. */
  label(name: string): string;
}

/**
 * The inputs as an action's parser reads them: an input given empty (or only white space) reads as its declared
 * default, as one not given does, so that each default is written once, in the action's INPUTS declaration, and
 * empty means the same everywhere. Defaults that are workflow expressions (`${{ github.token }}`, which the runner
 * or the CLI resolves) and inputs marked `keepEmpty` read as given.
 */
export function withDefaults(inputs: InputReader, specs: InputSpecs): InputReader {
  return {
    get: (name) => {
      const value = inputs.get(name);
      const spec = specs[name];
      if (value.trim() !== '' || !spec?.default || spec.keepEmpty || spec.default.includes('${{')) return value;
      return spec.default;
    },
    label: (name) => inputs.label(name),
  };
}

/** A true/false input, accepting the YAML 1.2 core spellings as @actions/core does. */
export function parseBoolean(inputs: InputReader, name: string): boolean {
  const value = inputs.get(name).trim();
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new ConfigurationError(`${inputs.label(name)} must be true or false (got "${value}")`);
}

/** An input that takes one of a fixed set of values. */
export function parseChoice<T extends string>(inputs: InputReader, name: string, allowed: readonly T[]): T {
  const value = inputs.get(name).trim();
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigurationError(`${inputs.label(name)} must be one of ${allowed.join(', ')} (got "${value}")`);
}

/** A whole number within bounds (an empty input reads as its default through withDefaults). */
export function parseInteger(inputs: InputReader, name: string, min: number, max: number): number {
  const value = inputs.get(name).trim();
  if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigurationError(`${inputs.label(name)} must be a whole number from ${min} to ${max} (got "${value}")`);
  }
  return Number(value);
}

/** A list given one per line or separated by commas; blank entries dropped. */
export function parseList(inputs: InputReader, name: string): string[] {
  return inputs
    .get(name)
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A required input's text, or an error saying it is needed. */
export function requireInput(inputs: InputReader, name: string): string {
  const value = inputs.get(name).trim();
  if (value === '') throw new ConfigurationError(`${inputs.label(name)} is required`);
  return value;
}
