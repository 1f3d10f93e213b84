import { escapeText, statusIcon } from './markdown.js';
import type { ReportSection, SectionStatus } from './section.js';

/** GitHub refuses comment bodies over 65,536 characters; the margin leaves room for what GitHub adds. */
export const COMMENT_LIMIT = 65_536 - 536;
/** GitHub refuses a step summary over 1 MiB. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 1024;

type Level = 'full' | 'compact' | 'headline';

export interface ReportOptions {
  /** Measured length of the finished text must stay at or under this. */
  limit: number;
  /** How length is measured: characters for comments, UTF-8 bytes for the job summary. */
  measure?: (text: string) => number;
  /** The first line: the hidden marker that finds the comment again. */
  marker?: string;
  /** Where the whole report can be read when this one is trimmed (the workflow run). */
  fullReportUrl?: string;
  /** Small print at the end, e.g. the commit and run. Already escaped. */
  footer?: string;
  /** Name of the limit for the trim line. */
  limitName?: string;
}

export interface RenderedReport {
  markdown: string;
  status: Exclude<SectionStatus, 'neutral'> | 'empty';
  /** Titles of sections shown at less than full detail. */
  trimmed: string[];
}

/** The overall status: a failure anywhere fails, a warning anywhere warns; a section that judged nothing is no pass. */
export function overallStatus(sections: readonly ReportSection[]): Exclude<SectionStatus, 'neutral'> | 'empty' {
  if (sections.length === 0) return 'empty';
  if (sections.some((s) => s.status === 'fail')) return 'fail';
  if (sections.some((s) => s.status === 'warn' || s.status === 'neutral')) return 'warn';
  return 'pass';
}

/**
 * Renders the consolidated report: a one-line verdict, then one section per document, most important first.
 * When the text is over the limit, details are dropped from the least important sections first, then their
 * bodies, and a line says what was trimmed and where the full report is.
 */
export function renderReport(sections: readonly ReportSection[], options: ReportOptions): RenderedReport {
  const measure = options.measure ?? ((text: string) => text.length);
  const ordered = [...sections].sort((a, b) => a.importance - b.importance);
  const titles = sectionTitles(ordered);
  const levels: Level[] = ordered.map(() => 'full');
  const status = overallStatus(ordered);

  const compose = (): string => {
    const trimmed = trimmedTitles(ordered, levels, titles);
    const parts: string[] = [];
    if (options.marker) parts.push(options.marker);
    parts.push(verdictHeading(ordered), verdictLine(ordered, titles));
    if (trimmed.length > 0) parts.push(trimLine(trimmed, options));
    ordered.forEach((s, i) => parts.push(renderSection(s, titles[i]!, levels[i]!)));
    if (options.footer) parts.push(`---\n<sub>${options.footer}</sub>`);
    return `${parts.join('\n\n')}\n`;
  };

  let markdown = compose();
  while (measure(markdown) > options.limit) {
    const next = nextTrim(ordered, levels);
    if (next === null) {
      markdown = hardCut(markdown, options.limit, measure);
      break;
    }
    levels[next.index] = next.level;
    markdown = compose();
  }
  const trimmed = trimmedTitles(ordered, levels, titles);
  return { markdown, status, trimmed };
}

/** Titles of the sections that lost something they had. */
function trimmedTitles(
  sections: readonly ReportSection[],
  levels: readonly Level[],
  titles: readonly string[],
): string[] {
  return titles.filter(
    (_, i) => levels[i] === 'headline' || (levels[i] === 'compact' && sections[i]!.details !== undefined),
  );
}

/** The least important section that can still lose something: details first, then the body. */
function nextTrim(sections: readonly ReportSection[], levels: Level[]): { index: number; level: Level } | null {
  for (let i = sections.length - 1; i >= 0; i--) {
    if (levels[i] === 'full' && sections[i]!.details) return { index: i, level: 'compact' };
  }
  for (let i = sections.length - 1; i >= 0; i--) {
    if (levels[i] !== 'headline') return { index: i, level: 'headline' };
  }
  return null;
}

function sectionTitles(sections: readonly ReportSection[]): string[] {
  const counts = new Map<string, number>();
  for (const s of sections) counts.set(s.title, (counts.get(s.title) ?? 0) + 1);
  return sections.map((s) => ((counts.get(s.title) ?? 0) > 1 ? `${s.title} (${escapeText(s.source, 80)})` : s.title));
}

function verdictHeading(sections: readonly ReportSection[]): string {
  const status = overallStatus(sections);
  if (status === 'empty') return '## mlgate: no reports';
  const failed = sections.filter((s) => s.status === 'fail').length;
  const text =
    status === 'fail'
      ? `${failed} of ${sections.length} ${sections.length === 1 ? 'check' : 'checks'} failed`
      : status === 'warn'
        ? 'passed with warnings'
        : 'all checks passed';
  return `## ${statusIcon(status)} mlgate: ${text}`;
}

function verdictLine(sections: readonly ReportSection[], titles: readonly string[]): string {
  if (sections.length === 0) return 'No mlgate reports were found for this run.';
  return sections.map((s, i) => `${statusIcon(s.status)} **${titles[i]}**: ${s.headline}`).join(' · ');
}

function renderSection(section: ReportSection, title: string, level: Level): string {
  const heading = `### ${statusIcon(section.status)} ${title}`;
  if (level === 'headline') return `${heading}\n\n${section.headline}\n\n_Trimmed: see the full report._`;
  const parts = [heading, section.body];
  if (level === 'full' && section.details) parts.push(section.details);
  return parts.join('\n\n');
}

function trimLine(trimmed: readonly string[], options: ReportOptions): string {
  const where = options.fullReportUrl
    ? `the [workflow run's job summary](${options.fullReportUrl})`
    : 'the job summary';
  const limit = options.limitName ?? "GitHub's size limit";
  return `> ✂️ Trimmed to fit ${limit}: less detail for ${trimmed.join(', ')}. The full report is in ${where}.`;
}

/** Last resort when even headlines do not fit: cut at a line boundary and say so. */
function hardCut(markdown: string, limit: number, measure: (text: string) => number): string {
  const note = '\n\n> ✂️ The rest of this report did not fit; see the job summary.\n';
  let text = markdown;
  while (text.length > 0 && measure(text + note) > limit) text = text.slice(0, Math.floor(text.length * 0.9));
  const lastLine = text.lastIndexOf('\n');
  return (lastLine > 0 ? text.slice(0, lastLine) : text) + note;
}
