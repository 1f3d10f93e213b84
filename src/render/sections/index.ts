import type { DriftReport, EvalReport, TrainReport, ValidationReport } from '../../core/documents.js';
import type { LoadedDocument } from '../../io/documents.js';
import type { ReportSection } from '../section.js';
import { renderDriftSection } from './drift.js';
import { renderEvaluationSection } from './evaluation.js';
import { renderTrainingSection } from './training.js';
import { renderValidationSection } from './validation.js';

/** The report section of a loaded document; each report kind has exactly one renderer, other documents none. */
export function renderSection(loaded: LoadedDocument): ReportSection | undefined {
  switch (loaded.kind) {
    case 'validation-report':
      return renderValidationSection(loaded.document as ValidationReport, loaded.path);
    case 'eval-report':
      return renderEvaluationSection(loaded.document as EvalReport, loaded.path);
    case 'drift-report':
      return renderDriftSection(loaded.document as DriftReport, loaded.path);
    case 'train-report':
      return renderTrainingSection(loaded.document as TrainReport, loaded.path);
    default:
      return undefined;
  }
}
