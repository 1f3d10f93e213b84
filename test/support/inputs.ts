import type { InputReader, InputSpecs } from '../../src/actions/runtime/inputs.js';

/** Inputs as the runner hands them to an action: '' for any not given (the runner fills no default here). */
export function givenInputs(given: Record<string, string>): InputReader {
  return { get: (name) => given[name] ?? '', label: (name) => `input "${name}"` };
}

/**
 * The inputs whose empty value must read as their default: those with a default that is not a workflow expression
 * and not marked keepEmpty. Each is returned with its default, for `it.each`.
 */
export function defaultedInputs(specs: InputSpecs): [string, string][] {
  return Object.entries(specs)
    .filter(([, spec]) => spec.default && !spec.default.includes('${{') && !spec.keepEmpty)
    .map(([name, spec]) => [name, spec.default!]);
}
