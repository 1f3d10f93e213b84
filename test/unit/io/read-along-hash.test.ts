import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileChunks } from '../../../src/io/readers/file-chunks.js';
import { ReadAlongHash } from '../../../src/io/sha256.js';
import { dataFolder } from '../../support/datasets.js';

describe('hashing a file from the chunks its read takes', () => {
  const text = 'a,b\n'.concat(Array.from({ length: 60_000 }, (_, i) => `${i},${i * 0.25}`).join('\n'));
  const path = join(dataFolder({ 'a.csv': text }), 'a.csv');
  const expected = createHash('sha256').update(text).digest('hex');

  it("gives the file's SHA-256 from chunks of every size", async () => {
    for (const size of [7, 4096, 65_536, 1 << 20]) {
      const hash = new ReadAlongHash(path);
      for await (const chunk of fileChunks(path, 0, size)) hash.update(chunk);
      expect(await hash.digest()).toBe(expected);
    }
  });

  it('hashes the file itself when the read did not take it whole', async () => {
    const hash = new ReadAlongHash(path);
    for await (const chunk of fileChunks(path, 0, 4096)) {
      hash.update(chunk);
      break;
    }
    expect(await hash.digest()).toBe(expected);
    expect(await new ReadAlongHash(path).digest()).toBe(expected);
  });
});
