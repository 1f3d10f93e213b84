import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, stringify, type Document } from 'yaml';
import { contractProblems, type DataContract } from '../core/contract/contract.js';
import { ConfigurationError } from '../core/errors.js';
import { describeSchemaError, documentValidator } from './document-schemas.js';

/**
 * Reads a data contract (YAML, or JSON, which is YAML too) and checks it against its schema and for rules that
 * cannot work; an error names the file and the line of the problem.
 */
export async function readContract(path: string, name = path): Promise<DataContract> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ConfigurationError(`${name}: contract file not found; check the contract input, or set infer: true to draft one`, { file: name });
  }
  return await parseContract(text, name);
}

export async function parseContract(text: string, name: string): Promise<DataContract> {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    const line = lines.linePos(error.pos[0]).line;
    throw new ConfigurationError(`${name}:${line}: not valid YAML (${error.message.split('\n')[0]})`, { file: name, line });
  }
  const value = document.toJS() as unknown;
  const validate = await documentValidator('contract');
  if (!validate(value)) {
    const error = validate.errors![0]!;
    const path = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const unknown = error.keyword === 'additionalProperties' ? String((error.params as { additionalProperty: string }).additionalProperty) : undefined;
    const line = lineOf(document, lines, unknown ? [...path, unknown] : path);
    const hint = unknown ? ` (unknown rule "${unknown}")` : '';
    throw new ConfigurationError(`${name}:${line}: ${describeSchemaError(error)}${hint}; see the contract reference in the validate-data README`, { file: name, line });
  }
  const contract = value as DataContract;
  const problems = contractProblems(contract);
  if (problems.length > 0) {
    const [path, message] = problems[0]!;
    const line = lineOf(document, lines, path);
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

/** The line of the deepest node along a JSON path that exists in the YAML document. */
function lineOf(document: Document, lines: LineCounter, path: readonly string[]): number {
  let node: unknown = document.contents;
  let offset = 0;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => String((item.key as { value?: unknown })?.value ?? item.key) === key);
      if (!pair) break;
      offset = (pair.key as { range?: [number] })?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(key)];
      if (!item) break;
      offset = (item as { range?: [number] }).range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return lines.linePos(offset).line;
}
