import { randomUUID } from 'node:crypto';

/**
 * Text a runner could read as a workflow command: a line that starts with `::` (the runner trims white space first)
 * or holds `##[` (the older syntax). Data reaches the log in column names, categories, file names and values, and a
 * pull request controls the data.
 */
const COMMAND_LIKE = /::|##\[/;

/**
 * Makes `text` safe to write to a step's log: text that could hold a workflow command is wrapped in
 * `::stop-commands::TOKEN` ... `::TOKEN::`, so the runner prints it exactly and carries out nothing in it. The
 * token is random per call, so the data cannot end the pause itself. Other text is returned as it is.
 *
 * @example shieldCommands('drifted: x') === 'drifted: x'
 */
export function shieldCommands(text: string, token: () => string = randomUUID): string {
  if (!COMMAND_LIKE.test(text)) return text;
  const pause = token();
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  return `::stop-commands::${pause}\n${body}\n::${pause}::${text.endsWith('\n') ? '\n' : ''}`;
}
