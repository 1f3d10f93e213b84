import { describe, expect, it } from 'vitest';
import { fileIdentity, rowBucket } from '../../../src/core/evaluate/poisson-bootstrap.js';
import { hashRowKey, hashText, murmurFinalize32 } from '../../../src/core/hashing.js';
import { rowPriority } from '../../../src/core/profile/bottom-k-sample.js';

// Golden values. These hashes are a stored format: profile.json keeps each sampled row's priority (rowPriority, from
// hashRowKey and hashText), partial reports keep bootstrap sums per bucket (rowBucket, from murmurFinalize32), and
// the same seed must give the same intervals. Changing any value pinned here is a new major version of those
// documents, not a refactor. The values were computed apart from the TypeScript code by
// `python3 test/unit/core/hashing.reference.py`, which implements the same functions.

const TEXTS: [label: string, text: string, hash: number][] = [
  ['empty string (the FNV offset basis)', '', 2166136261],
  ['one ASCII character', 'a', 3826002220],
  ['an ASCII file name', 'data.csv', 3950717643],
  ['a path with a dot segment', 'det/./h04.csv', 163357802],
  ['Latin-1 accents', 'café', 856211068],
  ['several accents', 'naïve façade', 3933734946],
  ['CJK characters', '日本語', 1409693518],
  ['a surrogate pair (two code units)', '😀', 3409036472],
  ['a lone high surrogate', '\ud83d', 931276136],
  ['an embedded NUL', 'a\u0000b', 284404690],
  ['1,000 characters', 'x'.repeat(1000), 131170661],
];

const VALUES: [value: number, hash: number][] = [
  [0, 0],
  [1, 1364076727],
  [2, 821347078],
  [255, 1818482051],
  [0x7fffffff, 4190899880],
  [0x80000000, 1832674720],
  [0xffffffff, 2180083513],
  // Only the low 32 bits count: -1 is 0xffffffff, 2^32 is 0.
  [-1, 2180083513],
  [2 ** 32, 0],
  [0x9e3779b9, 2462723854],
  [123456789, 3126909082],
];

/** Row ids: positions, byte offsets across the 32-bit boundary, and the largest exact integer. */
const ROWS = [0, 1, 37, 4096, 1e6, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 3, 2 ** 53 - 1];
const FILE_HASH = hashText('data.csv');

const ROW_KEYS: [seed: number, hashes: number[]][] = [
  [0, [421434520, 2644612865, 1948097924, 2298124511, 1704706219, 1433926537, 2855407505, 3380730446, 3894368754]],
  [1, [2375706284, 2209838079, 854964114, 69371145, 1846016431, 2824542140, 4230482603, 2725893498, 1382357748]],
  [42, [1786169506, 2087889423, 2534195947, 2910929692, 1981157745, 2739037858, 4044143041, 1425011027, 2176662660]],
  [
    2 ** 32 - 1,
    [2469821280, 3870537881, 3224644501, 4236713941, 31502133, 3720740982, 2544934990, 1471510400, 3264429871],
  ],
];

const PRIORITIES: [seed: number, priorities: number[]][] = [
  [
    0,
    [
      883812247119793, 5546155160584204, 4085457459343810, 4819516415339340, 3575028056603846, 3007161906970756,
      5988223560283948, 7089905617730833, 8167083221380473,
    ],
  ],
  [
    1,
    [
      4982217185263827, 4634366347601225, 1792989702869704, 145481836037529, 3871377051329930, 5923494200063501,
      8871965052609719, 5716613002386660, 2899014316000320,
    ],
  ],
  [
    42,
    [
      3745868952407838, 4378621480831306, 5314594100295634, 6104662025882573, 4154788928026965, 5744178723729417,
      8481182666774326, 2988464726594736, 4564792450862593,
    ],
  ],
  [
    2 ** 32 - 1,
    [
      5179590637170884, 8117106259347768, 6762569664930152, 8885033115451714, 66064761266145, 7802959392473713,
      5337115504702444, 3085980980118025, 6846005634675841,
    ],
  ],
];

describe('hashText (FNV-1a over UTF-16 code units)', () => {
  it.each(TEXTS)('%s', (_, text, hash) => {
    expect(hashText(text)).toBe(hash);
  });
});

describe('murmurFinalize32', () => {
  it.each(VALUES)('%d', (value, hash) => {
    expect(murmurFinalize32(value)).toBe(hash);
  });
});

describe('hashRowKey', () => {
  it.each(ROW_KEYS)('seed %d', (seed, hashes) => {
    expect(ROWS.map((row) => hashRowKey(seed, FILE_HASH, row))).toEqual(hashes);
  });
});

describe('what the documents store', () => {
  it.each(PRIORITIES)('profile sample priorities, seed %d', (seed, priorities) => {
    expect(ROWS.map((row) => rowPriority(seed, FILE_HASH, row))).toEqual(priorities);
  });

  it("partial reports' bootstrap buckets", () => {
    expect([0, 1, 2, 65535].map(fileIdentity)).toEqual([900943122, 3762194890, 260110647, 246842674]);
    expect(ROWS.map((row) => rowBucket(fileIdentity(0), row, 4096))).toEqual([
      2418, 544, 796, 2240, 3881, 1291, 3149, 1422, 200,
    ]);
  });
});
