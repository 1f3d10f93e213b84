import { DataError } from '../errors.js';

/** A SHA256SUMS file, as `sha256sum` writes it: `<hex>  <name>` per line, sorted by name. */
export function renderChecksums(files: readonly { name: string; sha256: string }[]): string {
  return [...files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => `${f.sha256}  ${f.name}\n`)
    .join('');
}

/** The name to SHA-256 map of a SHA256SUMS file (`sha256sum -c` format; a `*` before the name marks binary mode). */
export function parseChecksums(text: string, source: string): Map<string, string> {
  const sums = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!match)
      throw new DataError(`${source}:${i + 1}: not a SHA256SUMS line ("<sha256>  <name>")`, {
        file: source,
        line: i + 1,
      });
    sums.set(match[2]!, match[1]!);
  });
  return sums;
}
