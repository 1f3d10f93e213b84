/** What a secret is replaced with, as the runner's log masking shows it. */
export const REDACTED = '***';

/**
 * Option, variable and header names whose value is a credential: one of the words below as a whole part of the name,
 * parts being split by `_` or `-` (WANDB_API_KEY, --hf-token, X-Api-Key, INPUT_GITHUB-TOKEN; not GIT_AUTHOR_NAME or
 * PWD), or `key` as its last part (--wandb-key, HF_KEY).
 */
const SECRET_WORD = String.raw`(?:token|secret|password|passwd|apikey|api[_-]key|access[_-]key|auth|credentials?|private[_-]key)`;
// Parts and their number are bounded, so that a long run of parts costs linear time, not quadratic.
const PART = String.raw`[A-Za-z0-9]{1,40}`;
const SECRET_NAME = String.raw`(?:(?:${PART}[_-]){0,8}${SECRET_WORD}(?:[_-]${PART}){0,8}|(?:${PART}[_-]){1,8}key)`;
/** The same, written with a separator (aws_secret_access_key): a bare word that names a credential. */
const COMPOUND_SECRET_NAME = String.raw`(?:(?:${PART}[_-]){1,8}${SECRET_WORD}(?:[_-]${PART}){0,8}|${SECRET_WORD}(?:[_-]${PART}){1,8}|(?:${PART}[_-]){1,8}key)`;
/** A value: quoted (a quoted value that starts with `$` is a variable reference and kept) or a bare word. */
const VALUE = String.raw`(?:"(?!\$)[^"]*"|'[^']*'|[^\s'"$][^\s'"]*)`;

/** Credentials that carry their own shape, found wherever they stand. */
const SHAPED_SECRETS: readonly RegExp[] = [
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g, // GitHub tokens
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, // AWS access key ids
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, // Slack tokens
  /\bsk-[A-Za-z0-9_-]{20,}/g, // OpenAI-style keys
  /\bhf_[A-Za-z0-9]{20,}/g, // Hugging Face tokens
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{5,}/g, // JWTs
];

const RULES: readonly [RegExp, string][] = [
  // https://user:password@host
  [/(\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/@'"]+:)[^\s@'"]+@/gi, `$1${REDACTED}@`],
  // Authorization: Bearer x / Basic x / token x
  [/\b((?:bearer|basic|token)\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${REDACTED}`],
  // A header: X-Api-Key: x, PRIVATE-TOKEN: x
  [new RegExp(String.raw`(\b${SECRET_NAME}:\s*)(?!bearer\b|basic\b|token\b|\*\*\*)[^\s'"]+`, 'gi'), `$1${REDACTED}`],
  // NAME=value, --name=value, --name value, -name value
  [new RegExp(String.raw`(\b${SECRET_NAME}=)${VALUE}`, 'gi'), `$1${REDACTED}`],
  [new RegExp(String.raw`((?:^|\s)--?${SECRET_NAME}\s+)(?!-)${VALUE}`, 'gi'), `$1${REDACTED}`],
  // aws configure set aws_secret_access_key value
  [new RegExp(String.raw`((?:^|\s)${COMPOUND_SECRET_NAME}\s+)(?!-)${VALUE}`, 'gi'), `$1${REDACTED}`],
];

/**
 * The training command as reports, summaries and comments may show it, where the runner's log masking does not
 * apply: every known secret value (the action's token, the values of secret-like variables in its environment) and
 * every credential recognisable by its shape or by the option or variable that carries it becomes `***`. Variable
 * references such as `$TEAM_TOKEN` are kept: they name a secret without holding it. This is a safety net, not a
 * guarantee: pass secrets to the command through `env:`, never written into it.
 *
 * @example redactCommand('curl -u me:pw https://x', []) // 'curl -u me:pw https://x' (no pattern: pass it via env)
 * @example redactCommand('train --api-key abc123 --epochs 3', []) // 'train --api-key *** --epochs 3'
 */
export function redactCommand(command: string, secrets: readonly string[]): string {
  let text = command;
  // Longest first, so a secret that contains another is replaced whole.
  for (const secret of [...secrets].filter((s) => s.length >= 6).sort((a, b) => b.length - a.length))
    text = text.split(secret).join(REDACTED);
  for (const pattern of SHAPED_SECRETS) text = text.replace(pattern, REDACTED);
  for (const [pattern, replacement] of RULES) text = text.replace(pattern, replacement);
  return text;
}

/** Values of variables whose names say they hold a credential, to be masked wherever they appear. */
export function secretValues(env: Readonly<Record<string, string | undefined>>): string[] {
  const name = new RegExp(`^${SECRET_NAME}$`, 'i');
  return Object.entries(env)
    .filter(([key, value]) => value !== undefined && name.test(key))
    .map(([, value]) => value!);
}
