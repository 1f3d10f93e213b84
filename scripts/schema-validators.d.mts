export const VALIDATORS_MODULE: string;
export function validatorsModule(root: string): string;
