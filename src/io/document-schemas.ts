import type { ErrorObject, ValidateFunction } from 'ajv';
import type { DocumentKind } from '../core/documents.js';

// One module per kind, loaded on first use: a step reads few kinds, and start-up parses only those validators.
const LOADERS: Record<DocumentKind | 'contract', () => Promise<{ validate: ValidateFunction }>> = {
  'validation-report': () => import('virtual:mlgate-validators/validation-report'),
  'eval-report': () => import('virtual:mlgate-validators/eval-report'),
  'drift-report': () => import('virtual:mlgate-validators/drift-report'),
  'train-report': () => import('virtual:mlgate-validators/train-report'),
  profile: () => import('virtual:mlgate-validators/profile'),
  partial: () => import('virtual:mlgate-validators/partial'),
  contract: () => import('virtual:mlgate-validators/contract'),
};

/** The JSON Schema validator of one document kind (compiled from src/schemas/ when the bundle is built). */
export async function documentValidator(kind: DocumentKind | 'contract'): Promise<ValidateFunction> {
  return (await LOADERS[kind]()).validate;
}

/** One readable line for the first schema error: the JSON path and what is wrong there. */
export function describeSchemaError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(document root)' : error.instancePath;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return `${where}: missing required property "${String(params.missingProperty)}"`;
  if (error.keyword === 'enum')
    return `${where}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (error.keyword === 'const') return `${where}: must be ${JSON.stringify(params.allowedValue)}`;
  return `${where}: ${error.message ?? 'is invalid'}`;
}
