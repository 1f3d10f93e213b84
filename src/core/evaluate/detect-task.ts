/** Classification when the model outputs several scores, integer labels, or declares its classes. */
export function detectTask(
  output: { width: number; integer: boolean },
  metadata: Record<string, string>,
  labels: Float64Array,
): 'classification' | 'regression' {
  if (output.integer || output.width > 1 || metadata['mlgate.classes']) return 'classification';
  // One float output: a probability when every label is 0 or 1, a regression value otherwise.
  const binary = labels.every((v) => v === 0 || v === 1);
  return binary ? 'classification' : 'regression';
}
