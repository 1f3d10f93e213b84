/** Document validators compiled from src/schemas/*.schema.json at build time (scripts/schema-validators.mjs). */
declare module 'virtual:mlgate-validators' {
  import type { ValidateFunction } from 'ajv';
  export const validators: Record<import('../core/documents.js').DocumentKind, ValidateFunction>;
}
