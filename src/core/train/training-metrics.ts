/**
 * The numbers in the metrics JSON a training script writes, flattened to `name` or `group.name` (one level of
 * nesting, as `{"val": {"loss": 0.3}}`); booleans and text are left out and listed so the log can say so.
 */
export function flattenTrainingMetrics(document: unknown): {
  metrics: Record<string, number | null>;
  ignored: string[];
} {
  // A Map, then own keys: a metric named __proto__ assigned into an object literal would set its prototype.
  const metrics = new Map<string, number | null>();
  const ignored: string[] = [];
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    return { metrics: {}, ignored: ['(the file is not a JSON object)'] };
  const visit = (prefix: string, value: unknown, depth: number) => {
    if (typeof value === 'number') metrics.set(prefix, Number.isFinite(value) ? value : null);
    else if (depth < 1 && typeof value === 'object' && value !== null && !Array.isArray(value))
      for (const [k, v] of Object.entries(value)) visit(`${prefix}.${k}`, v, depth + 1);
    else ignored.push(prefix);
  };
  for (const [key, value] of Object.entries(document)) visit(key, value, 0);
  return { metrics: Object.fromEntries(metrics), ignored };
}
