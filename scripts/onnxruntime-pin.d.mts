export const ONNXRUNTIME_PIN_MODULE: RegExp;
export function onnxruntimePinModule(root: string): string;
