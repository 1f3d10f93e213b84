/** One document kind's validator, compiled from src/schemas/<kind>.schema.json at build time (scripts/schema-validators.mjs). */
declare module 'virtual:mlgate-validators/*' {
  import type { ValidateFunction } from 'ajv';
  export const validate: ValidateFunction;
}
