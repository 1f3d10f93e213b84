/**
 * One document kind's validator, compiled from src/schemas/<kind>.schema.json at build time
 * (scripts/schema-validators.mjs).
 */
declare module 'virtual:mlgate-validators/*' {
  import type { ValidateFunction } from 'ajv';
  export const validate: ValidateFunction;
}

/** The pinned onnxruntime-node release, from package-lock.json at build time (scripts/onnxruntime-pin.mjs). */
declare module 'virtual:mlgate-onnxruntime-pin' {
  export const ONNXRUNTIME_PIN: import('../io/onnx/install-onnxruntime.js').OnnxruntimePin;
}
