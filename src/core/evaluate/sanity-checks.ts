import type { Metrics } from '../documents.js';

/** What the sanity checks look at for one classifier. */
export interface SanityInput {
  /** Who the model is, for the message: "candidate", "baseline". */
  who: string;
  metrics: Metrics;
}

/**
 * Warnings about results that are more likely a mistake in the setup than a bad model: accuracy below what always
 * predicting the most common class gives, or ROC AUC below chance (0.5). Both are what a model scores when its
 * outputs are read in another class order than its own (the labels sorted one way, the model's classes another),
 * and a gate on a change can pass such a pair without a word. Each names the likely cause and the fix.
 * `truth` holds each row's class index, `classes` the names in output order.
 */
export function classificationSanityWarnings(
  models: readonly SanityInput[],
  truth: ArrayLike<number>,
  classes: readonly string[],
): string[] {
  const counts = new Array<number>(classes.length).fill(0);
  for (let r = 0; r < truth.length; r++) counts[truth[r]!]!++;
  const majority = counts.indexOf(Math.max(...counts));
  const majorityRate = truth.length > 0 ? counts[majority]! / truth.length : 0;
  const fix = `the classes are likely in another order than the model's outputs; set classes to the model's classes in its output order (read now as ${classes
    .slice(0, 12)
    .map((c) => JSON.stringify(c))
    .join(', ')}${classes.length > 12 ? ', …' : ''})`;
  const fmt = (v: number) => Number(v.toPrecision(4)).toString();
  const warnings: string[] = [];
  for (const { who, metrics } of models) {
    const accuracy = metrics.accuracy?.value;
    const auc = metrics.roc_auc?.value;
    const found: string[] = [];
    if (accuracy != null && accuracy < majorityRate)
      found.push(
        `accuracy ${fmt(accuracy)} is below the ${fmt(majorityRate)} of always predicting the most common class ${JSON.stringify(classes[majority])}`,
      );
    if (auc != null && auc < 0.5) found.push(`ROC AUC ${fmt(auc)} is below chance (0.5)`);
    if (found.length > 0) warnings.push(`${who}: ${found.join(' and ')}: ${fix}`);
  }
  return warnings;
}
