import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import type { FunctionDefinition, FunctionInfo } from '@actions/expressions/funcs/info';
import { isBasicExpression, isBoolean, isMapping, isNumber, isSequence, isString } from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';

/**
 * What the status functions answer. In a step: `success()` until a step fails; in a job's `if:`, `success()` only
 * when every job it needs (transitively) succeeded and `failure()` when one of them failed.
 */
export interface StatusFunctions {
  success: boolean;
  failure: boolean;
  cancelled: boolean;
}

/** The contexts (github, env, matrix, needs, steps, ...) and the status that an expression is evaluated against. */
export interface ExpressionScope {
  contexts: Record<string, unknown>;
  status: StatusFunctions;
}

/** The status functions inside a job whose steps have gone `status` so far. */
export function jobStatus(status: 'success' | 'failure' | 'cancelled'): StatusFunctions {
  return { success: status === 'success', failure: status === 'failure', cancelled: status === 'cancelled' };
}

/** GitHub's status functions; the evaluator knows only the pure ones (format, contains, fromJSON, ...). */
const STATUS_FUNCTIONS: FunctionInfo[] = ['success', 'failure', 'always', 'cancelled'].map((name) => ({
  name,
  minArgs: 0,
  maxArgs: 0,
}));

function statusFunctions(status: StatusFunctions): Map<string, FunctionDefinition> {
  const value: Record<string, boolean> = { ...status, always: true };
  return new Map(
    STATUS_FUNCTIONS.map((info) => [info.name, { ...info, call: () => new data.BooleanData(value[info.name]!) }]),
  );
}

/**
 * Evaluates one expression (the text inside `${{ }}`, or an `if:` condition) with GitHub's own lexer, parser and
 * evaluator from @actions/expressions. Whatever they reject throws: a workflow that GitHub would fail must fail here.
 */
export function evaluateExpression(expression: string, scope: ExpressionScope): unknown {
  try {
    const tokens = new Lexer(expression).lex().tokens;
    const tree = new Parser(tokens, Object.keys(scope.contexts), STATUS_FUNCTIONS).parse();
    const contexts = JSON.parse(JSON.stringify(scope.contexts), data.reviver) as data.Dictionary;
    const result = new Evaluator(tree, contexts, statusFunctions(scope.status)).evaluate();
    return JSON.parse(JSON.stringify(result, data.replacer) ?? 'null');
  } catch (error) {
    throw new Error(
      `the expression \${{ ${expression} }} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Evaluates an `if:` condition (already wrapped in `success() && (...)` by the parser when it names no status). */
export function evaluateCondition(expression: string, scope: ExpressionScope): boolean {
  return truthy(evaluateExpression(expression, scope));
}

/** The truthiness rules of GitHub's expressions: false, 0, -0, '', null and NaN are false. */
function truthy(value: unknown): boolean {
  return !(
    value === false ||
    value === 0 ||
    value === '' ||
    value === null ||
    value === undefined ||
    Number.isNaN(value)
  );
}

/**
 * Evaluates a token of the parsed workflow (a `with:` value, `env:`, `runs-on`, a strategy) into plain data:
 * literals as they are, expressions through {@link evaluateExpression}, mappings and sequences element by element.
 */
export function evaluateToken(token: TemplateToken | undefined, scope: ExpressionScope): unknown {
  if (token === undefined) return undefined;
  if (isString(token)) return token.value;
  if (isNumber(token)) return token.value;
  if (isBoolean(token)) return token.value;
  if (isBasicExpression(token)) return evaluateExpression(token.expression, scope);
  if (isSequence(token)) {
    const items: unknown[] = [];
    for (let i = 0; i < token.count; i++) items.push(evaluateToken(token.get(i), scope));
    return items;
  }
  if (isMapping(token)) {
    const object: Record<string, unknown> = {};
    for (const { key, value } of token) object[String(evaluateToken(key, scope))] = evaluateToken(value, scope);
    return object;
  }
  if (token.templateTokenType === 7) return null;
  throw new Error(`the workflow runner cannot evaluate a ${token.typeName()} (line ${token.line ?? '?'})`);
}

/** A value as the runner passes it to a step (inputs, env): strings as they are, other data as GitHub prints it. */
export function asString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value, null, 2);
}

/** A mapping evaluated to strings, as `env:` and `with:` reach a step. */
export function evaluateStringMap(token: TemplateToken | undefined, scope: ExpressionScope): Record<string, string> {
  const value = evaluateToken(token, scope);
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Error(`expected a mapping, got ${JSON.stringify(value)}`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asString(v)]));
}
