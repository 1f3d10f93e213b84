import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import common from '../schemas/common.schema.json' with { type: 'json' };
import driftReport from '../schemas/drift-report.schema.json' with { type: 'json' };
import evalReport from '../schemas/eval-report.schema.json' with { type: 'json' };
import trainReport from '../schemas/train-report.schema.json' with { type: 'json' };
import validationReport from '../schemas/validation-report.schema.json' with { type: 'json' };
import type { DocumentKind } from '../core/documents.js';

const SCHEMAS: Record<DocumentKind, object> = {
  'validation-report': validationReport,
  'eval-report': evalReport,
  'drift-report': driftReport,
  'train-report': trainReport,
};

let ajv: Ajv2020 | undefined;
const compiled = new Map<DocumentKind, ValidateFunction>();

/** The JSON Schema validator of one document kind, compiled on first use (start-up stays fast). */
export function documentValidator(kind: DocumentKind): ValidateFunction {
  let validate = compiled.get(kind);
  if (!validate) {
    ajv ??= new Ajv2020({ allErrors: false, strict: true, schemas: [common] });
    validate = ajv.compile(SCHEMAS[kind]);
    compiled.set(kind, validate);
  }
  return validate;
}

/** The JSON Schema of one document kind, for documentation and tests. */
export function documentSchema(kind: DocumentKind): object {
  return SCHEMAS[kind];
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
