import { seededRandom } from '../data/seeded-random.js';

/**
 * Bootstrap replicates of a latency interval: the timed rounds are few thousand at most, so this stays in milliseconds.
 */
const REPLICATES = 400;

/**
 * The 95% percentile-bootstrap interval of the change in a latency quantile (candidate minus baseline), resampling
 * the timed rounds in pairs: each round called both models back to back, so a round slowed by the machine slows both,
 * and the interval is as wide as the machine's noise. Without it, the p95 of one model against itself differed by
 * 25% when other processes shared the cores, and a `max-rise` rule failed an identical model. Seeded: the same
 * timings give the same interval. Null when the models were not timed in the same rounds.
 */
export function latencyChangeInterval(
  candidateMs: readonly number[],
  baselineMs: readonly number[],
  quantile: number,
  seed = 1,
): { low: number; high: number } | null {
  const rounds = candidateMs.length;
  if (rounds < 2 || baselineMs.length !== rounds) return null;
  const next = seededRandom(seed);
  const a = new Float64Array(rounds);
  const b = new Float64Array(rounds);
  const changes = new Float64Array(REPLICATES);
  for (let r = 0; r < REPLICATES; r++) {
    for (let i = 0; i < rounds; i++) {
      const pick = Math.floor(next() * rounds);
      a[i] = candidateMs[pick]!;
      b[i] = baselineMs[pick]!;
    }
    changes[r] = quantileOfSorted(a.sort(), quantile) - quantileOfSorted(b.sort(), quantile);
  }
  changes.sort();
  return { low: quantileOfSorted(changes, 0.025), high: quantileOfSorted(changes, 0.975) };
}

/** The q-quantile of sorted values as the report takes latency quantiles: the value at rank ⌊q·n⌋. */
export function quantileOfSorted(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
