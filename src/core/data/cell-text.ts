/** Reading booleans, datetimes and missing values from cell text, the same for every file format. */

/** True/false spellings accepted for bool columns, as 1 and 0; NaN for anything else. */
export function parseBoolText(text: string): number {
  switch (text.trim().toLowerCase()) {
    case 'true':
    case '1':
    case 'yes':
    case 't':
    case 'y':
      return 1;
    case 'false':
    case '0':
    case 'no':
    case 'f':
    case 'n':
      return 0;
    default:
      return Number.NaN;
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date or date-time as epoch milliseconds (UTC when no offset is given); NaN otherwise. */
export function parseDatetimeText(text: string): number {
  const trimmed = text.trim();
  if (!ISO_DATE.test(trimmed)) return Number.NaN;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) && trimmed.length > 10;
  const normalized = trimmed.replace(' ', 'T');
  return Date.parse(hasZone || normalized.length === 10 ? normalized : `${normalized}Z`);
}

/** Texts read as a missing value, as pandas reads them by default (and the empty cell). */
export const DEFAULT_NULL_VALUES: readonly string[] = [
  '',
  'NA',
  'N/A',
  'n/a',
  'NaN',
  'nan',
  'null',
  'NULL',
  'None',
  '#N/A',
  '-NaN',
  '-nan',
];
