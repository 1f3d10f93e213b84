/** Document validators compiled from src/schemas/*.schema.json at build time (scripts/schema-validators.mjs). */
declare module 'virtual:mlgate-validators' {
  import type { ValidateFunction } from 'ajv';
  /** One validator per schema file, by its name without `.schema.json` (document kinds, and `contract`). */
  export const validators: Record<import('../core/documents.js').DocumentKind | 'contract', ValidateFunction>;
}
