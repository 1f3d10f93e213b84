/**
 * Mermaid charts for GitHub Markdown. Labels come from data (column names, categories), so they are reduced to
 * characters that cannot close a label, a code block or inject Mermaid directives.
 */

/**
 * The charts' colours, fixed so that they read in GitHub's light and dark themes alike: Mermaid's default bars are
 * #ECECFF, nearly invisible on white. Blue bars and orange lines keep 3:1 contrast or more on both #ffffff and
 * #0d1117 (and differ for the colour-blind by lightness as well as hue); text and axes in a grey (#6e7781) that
 * keeps 4:1 on both. The background stays transparent to take the page's.
 */
export const CHART_PALETTE = { bar: '#1f6feb', line: '#e16f24', text: '#6e7781' } as const;

const CHART_THEME = `%%{init: ${JSON.stringify({
  theme: 'base',
  themeVariables: {
    xyChart: {
      backgroundColor: 'transparent',
      titleColor: CHART_PALETTE.text,
      xAxisLabelColor: CHART_PALETTE.text,
      xAxisTitleColor: CHART_PALETTE.text,
      xAxisTickColor: CHART_PALETTE.text,
      xAxisLineColor: CHART_PALETTE.text,
      yAxisLabelColor: CHART_PALETTE.text,
      yAxisTitleColor: CHART_PALETTE.text,
      yAxisTickColor: CHART_PALETTE.text,
      yAxisLineColor: CHART_PALETTE.text,
      plotColorPalette: `${CHART_PALETTE.bar}, ${CHART_PALETTE.line}`,
    },
  },
})}}%%`;

/** Text safe inside a quoted Mermaid label. */
export function mermaidLabel(text: string, max = 40): string {
  const clean = text.replace(/[^\p{L}\p{N} _.,:/+()-]/gu, '_').slice(0, max);
  return clean === '' ? '_' : clean;
}

/** A bar (reference) and line (current) chart of two distributions over the same labels. */
export function distributionChart(
  title: string,
  labels: readonly string[],
  reference: readonly number[],
  current: readonly number[],
): string {
  const top = Math.max(...reference, ...current, 0.01);
  const numbers = (values: readonly number[]) => values.map((v) => Number(v.toPrecision(3))).join(', ');
  return [
    '```mermaid',
    CHART_THEME,
    'xychart-beta',
    `  title "${mermaidLabel(title, 80)}"`,
    `  x-axis [${labels.map((l) => `"${mermaidLabel(l, 16)}"`).join(', ')}]`,
    `  y-axis "share of rows" 0 --> ${Number((top * 1.1).toPrecision(2))}`,
    `  bar [${numbers(reference)}]`,
    `  line [${numbers(current)}]`,
    '```',
  ].join('\n');
}

/** A line chart of one series over labelled points (GPU utilisation over a training run). */
export function lineChart(
  title: string,
  labels: readonly string[],
  axis: string,
  values: readonly number[],
  max: number,
): string {
  return [
    '```mermaid',
    CHART_THEME,
    'xychart-beta',
    `  title "${mermaidLabel(title, 80)}"`,
    `  x-axis [${labels.map((l) => `"${mermaidLabel(l, 16)}"`).join(', ')}]`,
    `  y-axis "${mermaidLabel(axis, 40)}" 0 --> ${max}`,
    `  line [${values.map((v) => Number(v.toPrecision(3))).join(', ')}]`,
    '```',
  ].join('\n');
}

/** Bars for the candidate and a line for the baseline over the same metrics (all on a 0 to 1 scale). */
export function metricChart(
  title: string,
  metrics: readonly string[],
  candidate: readonly number[],
  baseline: readonly number[],
): string {
  const numbers = (values: readonly number[]) => values.map((v) => Number(v.toPrecision(3))).join(', ');
  return [
    '```mermaid',
    CHART_THEME,
    'xychart-beta',
    `  title "${mermaidLabel(title, 80)}"`,
    `  x-axis [${metrics.map((m) => `"${mermaidLabel(m, 16)}"`).join(', ')}]`,
    '  y-axis "value" 0 --> 1',
    `  bar [${numbers(candidate)}]`,
    `  line [${numbers(baseline)}]`,
    '```',
  ].join('\n');
}
