import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { ConfigurationError } from '../core/errors.js';

/**
 * The most values that aliases may add to a configuration file once expanded. A contract for 10,000 columns that
 * each merge a five-value anchor adds 50,000; nine levels of nine aliases ("billion laughs") would add 387 million.
 */
export const MAX_ALIAS_EXPANSION = 100_000;

/**
 * The most aliases in one file. yaml resolves each alias by a scan of the aliases and anchors before it, so their
 * cost grows with the square of their number: 10,000 take about a second, 30,000 nine.
 */
export const MAX_ALIASES = 10_000;

/** A YAML (or JSON) configuration file, parsed, with the line of any JSON path in it for error messages. */
export interface YamlConfig {
  value: unknown;
  /** The line of the deepest node along a JSON path that exists in the file (keys brought in by a merge have none). */
  lineOf(path: readonly string[]): number;
}

/**
 * Parses a contract or a policy written by a user (or by a pull request). Merge keys (`<<: *base`) are read as in
 * YAML 1.1, where users of other tools expect them. Every problem is a ConfigurationError with the file and line:
 * bad syntax, a repeated key, and aliases past {@link MAX_ALIASES} or expanding past {@link MAX_ALIAS_EXPANSION}
 * values, which are measured on the parsed nodes before any value is built.
 */
export function parseYamlConfig(text: string, name: string): YamlConfig {
  const lines = new LineCounter();
  // Repeated keys are looked for below, with a set per mapping: yaml's own check compares each key with every key
  // before it, which takes seconds for a contract of 10,000 columns.
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false, merge: true });
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    const line = lines.linePos(error.pos[0]).line;
    throw new ConfigurationError(`${name}:${line}: not valid YAML (${error.message.split('\n')[0]})`, {
      file: name,
      line,
    });
  }
  const problem = structureProblem(document);
  if (problem) {
    const line = lines.linePos(problem.node.range?.[0] ?? 0).line;
    throw new ConfigurationError(`${name}:${line}: ${problem.message}`, { file: name, line });
  }
  let value: unknown;
  try {
    // yaml's own bound on aliases stays on as a second guard; a file the measure above let through stays under it.
    value = document.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
  } catch (error) {
    // An alias to an anchor not set before it, or a merge of something that is not a mapping.
    const line = firstAliasLine(document, lines);
    throw new ConfigurationError(
      `${name}:${line}: not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
      { file: name, line },
    );
  }
  return { value, lineOf: (path) => lineOf(document, lines, path) };
}

/**
 * The first repeated key, or the first alias past the limits on aliases, in document order; undefined when there is
 * none. Each anchored node's expanded size is measured once, when its definition is walked, and an alias adds that
 * size without walking it again: linear in the file's size whatever the aliases would expand to.
 */
function structureProblem(document: Document): { node: Node; message: string } | undefined {
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  let aliases = 0;
  let built = 0;
  let copied = 0;
  let problem: { node: Node; message: string } | undefined;
  const walk = (node: unknown): void => {
    if (problem) return;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      // An alias inside its own anchor is a cycle, which yaml builds as a shared reference, not a copy.
      const size = (target && sizes.get(target)) ?? 1;
      aliases += 1;
      built += size;
      copied += size;
      if (aliases > MAX_ALIASES)
        problem = {
          node,
          message: `more than ${MAX_ALIASES} YAML aliases, which mlgate refuses as a resource exhaustion attack; write the values out`,
        };
      else if (copied > MAX_ALIAS_EXPANSION)
        problem = {
          node,
          message: `the YAML aliases up to here expand to more than ${MAX_ALIAS_EXPANSION} values, which mlgate refuses as a resource exhaustion attack; write the values out or alias less`,
        };
      return;
    }
    if (isPair(node)) {
      walk(node.key);
      walk(node.value);
      return;
    }
    if (!isScalar(node) && !isMap(node) && !isSeq(node)) return;
    const start = built;
    if (node.anchor) anchors.set(node.anchor, node);
    built += 1;
    if (isMap(node)) {
      const keys = new Set<unknown>();
      for (const pair of node.items) {
        // Scalar keys are compared as the property names they become (1 and "1" are one key in the object read); a
        // merge key's value is a new symbol each time: several merges in one mapping are allowed.
        const key =
          isScalar(pair.key) && typeof pair.key.value !== 'symbol'
            ? String(pair.key.value)
            : isScalar(pair.key)
              ? pair.key.value
              : pair.key;
        if (keys.has(key)) {
          problem = {
            node: pair.key as Node,
            message: `the key ${String(key)} appears twice in the same mapping; keep one`,
          };
          return;
        }
        keys.add(key);
        walk(pair);
      }
    } else if (isSeq(node)) for (const item of node.items) walk(item);
    if (node.anchor) sizes.set(node, built - start);
  };
  walk(document.contents);
  return problem;
}

function firstAliasLine(document: Document, lines: LineCounter): number {
  let offset = 0;
  const find = (node: unknown): boolean => {
    if (isAlias(node)) {
      offset = node.range?.[0] ?? 0;
      return true;
    }
    if (isPair(node)) return find(node.key) || find(node.value);
    return (isMap(node) || isSeq(node)) && node.items.some(find);
  };
  find(document.contents);
  return lines.linePos(offset).line;
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
