export const VALIDATORS_MODULE: RegExp;
export function validatorModule(root: string, kind: string): string;
