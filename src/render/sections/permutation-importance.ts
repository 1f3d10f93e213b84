import type { FeatureImportance, PermutationImportanceReport } from '../../core/documents.js';
import { topImportances } from '../../core/evaluate/permutation-importance.js';
import { details, escapeText, formatCount, formatNumber, formatSigned, table } from '../markdown.js';

/** Features listed in the comment, the most important first; the report holds every one. */
export const MAX_LISTED_IMPORTANCES = 15;

/**
 * The collapsed table of permutation importance: per feature, each model's mean drop in score ± its standard
 * deviation over the shuffles, and the change (candidate − baseline), the features either model relies on most first.
 */
export function renderImportanceDetails(importance: PermutationImportanceReport): string {
  const { rows, repeats } = importance;
  const paired = importance.baseline_score !== null;
  const score = importance.score === 'accuracy' ? 'accuracy' : 'R²';
  const { shown, leftOut } = topImportances(importance, MAX_LISTED_IMPORTANCES);
  const cell = (f: FeatureImportance | null) =>
    f ? `${formatNumber(f.mean)} ± ${formatNumber(f.std)}` : 'n/a (not an input)';
  const change = (c: FeatureImportance | null, b: FeatureImportance | null) =>
    !c || !b ? 'n/a' : c.mean === b.mean ? 'unchanged' : formatSigned(c.mean - b.mean);
  const intro = `The drop in ${score} when a feature's column is shuffled: the mean ± standard deviation over ${formatCount(repeats)} ${repeats === 1 ? 'shuffle' : 'shuffles'} of a uniform random sample of ${formatCount(rows)} rows${paired ? ', the same shuffles for both models' : ''}. On the sample as it is, ${score} is ${formatNumber(importance.candidate_score)} for the candidate${paired ? ` and ${formatNumber(importance.baseline_score)} for the baseline` : ''}. Near 0: the model hardly uses the feature (or another feature carries the same information).`;
  const body = table(
    paired ? ['Feature', 'Candidate', 'Baseline', 'Change'] : ['Feature', 'Candidate'],
    shown.map((f) => [
      escapeText(f.feature, 60),
      cell(f.candidate),
      ...(paired ? [cell(f.baseline), change(f.candidate, f.baseline)] : []),
    ]),
    paired ? ['l', 'r', 'r', 'r'] : ['l', 'r'],
  );
  const more =
    leftOut > 0
      ? `\n\n… and ${formatCount(leftOut)} more ${leftOut === 1 ? 'feature' : 'features'} in the eval report (permutation_importance).`
      : '';
  return details(
    `Feature importance (permutation, ${formatCount(rows)} rows, ${formatCount(repeats)} ${repeats === 1 ? 'repeat' : 'repeats'})`,
    `${intro}\n\n${body}${more}`,
  );
}
