/**
 * The hash functions whose values reach documents. Each is a stored format: a profile's sample is the rows of lowest
 * priority (hashRowKey, through rowPriority), a partial report's bootstrap sums are kept per bucket (murmurFinalize32,
 * through rowBucket), a key-sharded row goes to the shard its key hashes to (hashText, murmurFinalize32), and "the
 * same seed gives the same intervals" holds across versions only while these give the same numbers. They are pinned
 * by golden values in test/unit/core/hashing.test.ts: changing any output is a new major version of the documents
 * that store them (profile.json sample priorities, partial reports' bucket assignment), never a refactor.
 *
 * Every function works on 32-bit integers with Math.imul and unsigned shifts, so that it gives the same value on
 * every engine and platform, and returns an unsigned 32-bit integer.
 */

/**
 * FNV-1a (Fowler, Noll, Vo) over a text's UTF-16 code units, not its UTF-8 bytes: a surrogate pair counts as two
 * units. O(length).
 *
 * @example hashText('') === 0x811c9dc5 // the FNV offset basis
 */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}

/**
 * MurmurHash3's 32-bit finaliser (fmix32, Appleby 2011) of one 32-bit integer: a fast, well-mixed bijection, for
 * hashing numbers and combining hashes. Only the value's low 32 bits count.
 *
 * @example murmurFinalize32(0) === 0
 */
export function murmurFinalize32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A 32-bit hash of a row's key: a seed, its file's hash and the row's id in the file (a byte offset or a position,
 * an integer below 2^53), mixed by MurmurHash3's finaliser steps, the id's low and high 32-bit halves each in turn.
 * It is the high half of a row's sample priority (see rowPriority), so the hot loop that rules rows out of a full
 * sample calls it alone: keep it a plain function of numbers.
 */
export function hashRowKey(seed: number, fileHash: number, row: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ fileHash;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h ^= row >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= Math.floor(row / 4294967296);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
