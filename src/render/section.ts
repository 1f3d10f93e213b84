import type { DocumentKind } from '../core/documents.js';

/** neutral: nothing could be judged (too little data), which is neither a pass nor a problem found. */
export type SectionStatus = 'pass' | 'warn' | 'fail' | 'neutral';

/**
 * One document rendered for the report. A section can be shown at three levels, which is how a long report is
 * trimmed: `full` (body and details), `compact` (body only) and `headline` (its one line only).
 * All text in it is already escaped Markdown.
 */
export interface ReportSection {
  /** The document rendered, or `run`: the workflow run whose reports a workflow_run comment shows. */
  kind: DocumentKind | 'run';
  /** Where the document came from, to tell two sections of the same kind apart. */
  source: string;
  title: string;
  status: SectionStatus;
  /** One line, shown in the verdict at the top and as the section's first line. */
  headline: string;
  body: string;
  details?: string;
  /** Lower is more important; the least important sections are trimmed first. */
  importance: number;
}
