import type { ErrorObject, ValidateFunction } from 'ajv';
import { validators } from 'virtual:mlgate-validators';
import type { DocumentKind } from '../core/documents.js';

/** The JSON Schema validator of one document kind (compiled from src/schemas/ when the bundle is built). */
export function documentValidator(kind: DocumentKind | 'contract'): ValidateFunction {
  return validators[kind];
}

/** One readable line for the first schema error: the JSON path and what is wrong there. */
export function describeSchemaError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(document root)' : error.instancePath;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return `${where}: missing required property "${String(params.missingProperty)}"`;
  if (error.keyword === 'enum') return `${where}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (error.keyword === 'const') return `${where}: must be ${JSON.stringify(params.allowedValue)}`;
  return `${where}: ${error.message ?? 'is invalid'}`;
}
