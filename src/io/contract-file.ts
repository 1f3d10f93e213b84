import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import { contractProblems, type DataContract } from '../core/contract/contract.js';
import { ConfigurationError } from '../core/errors.js';
import { describeSchemaError, documentValidator } from './document-schemas.js';
import { parseYamlConfig } from './yaml-config.js';

/**
 * Reads a data contract (YAML, or JSON, which is YAML too) and checks it against its schema and for rules that
 * cannot work; an error names the file and the line of the problem.
 */
export async function readContract(path: string, name = path): Promise<DataContract> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ConfigurationError(
      `${name}: contract file not found; check the contract input, or set infer: true to draft one`,
      { file: name },
    );
  }
  return await parseContract(text, name);
}

/** Parses a contract's text; `name` is the file as the user knows it, for messages. */
export async function parseContract(text: string, name: string): Promise<DataContract> {
  const { value, lineOf } = parseYamlConfig(text, name);
  const validate = await documentValidator('contract');
  if (!validate(value)) {
    const error = validate.errors![0]!;
    const path = error.instancePath
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const unknown =
      error.keyword === 'additionalProperties'
        ? String((error.params as { additionalProperty: string }).additionalProperty)
        : undefined;
    const line = lineOf(unknown ? [...path, unknown] : path);
    const hint = unknown ? ` (unknown rule "${unknown}")` : '';
    throw new ConfigurationError(
      `${name}:${line}: ${describeSchemaError(error)}${hint}; see the contract reference in the validate-data README`,
      { file: name, line },
    );
  }
  const contract = value as DataContract;
  const problems = contractProblems(contract);
  if (problems.length > 0) {
    const [path, message] = problems[0]!;
    const line = lineOf(path);
    throw new ConfigurationError(`${name}:${line}: ${path.join('.')}: ${message}`, { file: name, line });
  }
  return contract;
}

/** Writes a contract as YAML under a comment that says where it came from. */
export async function writeContract(path: string, contract: DataContract, comment: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const header = comment
    .split('\n')
    .map((l) => `# ${l}`)
    .join('\n');
  await writeFile(path, `${header}\n${stringify(contract, { lineWidth: 0 })}`);
}
