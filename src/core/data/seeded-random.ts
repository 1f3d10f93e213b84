/**
 * A small, fast, seeded generator of uniform numbers in [0, 1) (mulberry32, by Tommy Ettinger): the same seed gives
 * the same sequence on every machine, which is what test models, benchmark data and the example trainer need. Not
 * for anything secret.
 * @example const next = seededRandom(1); next() // 0.6270739405881613
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
