import { MAX_CATEGORY_VALUES } from './infer-type.js';
import { ConfigurationError } from '../errors.js';
import { mergeMoments, sampleVariance } from './moments.js';
import {
  histogramOf,
  MAX_CATEGORIES,
  PROFILE_QUANTILES,
  sampleNumbers,
  sampleValueAt,
  selectQuantiles,
  type ColumnProfile,
  type ColumnSample,
  type Profile,
} from './profile.js';

/**
 * The profile of the union of the datasets whose profiles are given (shards of one dataset). Counts, nulls and
 * category counts add; moments merge exactly (up to rounding); the sample is the bottom k of the shards' samples,
 * which is exactly the sample of the union; quantiles and histograms are recomputed from it.
 */
export function mergeProfiles(
  profiles: readonly Profile[],
  createdAt: string,
  onInexactSample?: (message: string) => void,
): Profile {
  if (profiles.length === 0) throw new ConfigurationError('merge needs at least one profile');
  const first = profiles[0]!;
  if (profiles.some((p) => p.sample.sorted))
    throw new Error('profiles of sorted samples (finishSorted) cannot be merged: their rows are not aligned');
  for (const p of profiles) {
    if (p.sample.size !== first.sample.size || p.sample.seed !== first.sample.seed) {
      throw new ConfigurationError(
        `profiles to merge must share the sample size and seed (got ${p.sample.size}/${p.sample.seed} and ${first.sample.size}/${first.sample.seed}); profile every shard with the same settings`,
      );
    }
  }
  const kept = lowestPriorities(profiles, first.sample.size);
  // A shard that kept fewer rows than it read (a shard-sized sample) must have kept every row below the merged
  // sample's largest priority; otherwise a row it dropped might belong to the sample of the whole.
  const cut = kept.length === first.sample.size ? kept.at(-1)!.priority : Number.POSITIVE_INFINITY;
  const short = profiles.findIndex(
    (p) =>
      p.sample.priorities.length < Math.min(p.dataset.rows, first.sample.size) && p.sample.priorities.at(-1)! < cut,
  );
  if (short >= 0)
    onInexactSample?.(
      `part ${short + 1} kept too few sampled rows for the merged sample to be exactly the sample of one run (quantiles and sample-based tests are still from a uniform sample of ${kept.length} rows)`,
    );

  const names: string[] = [];
  for (const p of profiles) for (const c of p.columns) if (!names.includes(c.name)) names.push(c.name);
  const columns = names.map((name) => {
    const parts = profiles.map((p) => p.columns.find((c) => c.name === name));
    // Numeric samples stay in typed memory (NaN for null) when every part holds them so.
    const typed = parts.every((c) => !c || c.sample instanceof Float64Array);
    const sample: ColumnSample = typed
      ? Float64Array.from(kept, (row) =>
          parts[row.shard] ? (parts[row.shard]!.sample as Float64Array)[row.index]! : Number.NaN,
        )
      : kept.map((row) => (parts[row.shard] ? sampleValueAt(parts[row.shard]!.sample, row.index) : null));
    return mergeColumn(name, parts, profiles, sample);
  });
  return {
    schema: 'mlgate/profile@2',
    created_at: createdAt,
    dataset: {
      files: combineFiles(profiles.flatMap((p) => p.dataset.files)),
      rows: profiles.reduce((n, p) => n + p.dataset.rows, 0),
    },
    sample: {
      size: first.sample.size,
      seed: first.sample.seed,
      priorities: Float64Array.from(kept, (r) => r.priority),
    },
    columns,
  };
}

function mergeColumn(
  name: string,
  parts: readonly (ColumnProfile | undefined)[],
  profiles: readonly Profile[],
  sample: ColumnSample,
): ColumnProfile {
  const present = parts.filter((c): c is ColumnProfile => c !== undefined);
  const types = new Set(present.map((c) => c.type));
  const type = mergedType(name, types);
  // A shard without the column counts its rows as missing values.
  const absentRows = parts.reduce((n, c, i) => n + (c ? 0 : profiles[i]!.dataset.rows), 0);
  const merged: ColumnProfile = {
    name,
    type,
    count: sum(present.map((c) => c.count)),
    nulls: sum(present.map((c) => c.nulls)) + absentRows,
    invalid: sum(present.map((c) => c.invalid)),
    ...(present.some((c) => c.infinite) ? { infinite: sum(present.map((c) => c.infinite ?? 0)) } : {}),
    sample,
  };
  const numeric = present.filter((c) => c.numeric).map((c) => ({ ...c.numeric!, count: c.count }));
  if (numeric.length > 0) {
    const moments = numeric
      .map((n) => ({ count: n.count, mean: n.mean, m2: n.m2, min: n.min, max: n.max }))
      .reduce(mergeMoments);
    const values = sampleNumbers(sample);
    merged.numeric = {
      min: moments.min,
      max: moments.max,
      mean: moments.mean,
      m2: moments.m2,
      variance: sampleVariance(moments),
      integral: numeric.every((n) => n.integral),
      histogram: histogramOf(values, moments.min, moments.max),
      quantiles: selectQuantiles(values, PROFILE_QUANTILES),
    };
  }
  const categories = present.filter((c) => c.categories).map((c) => c.categories!);
  if (categories.length > 0) {
    const counts = new Map<string, number>();
    for (const c of categories) for (const [value, n] of c.counts) counts.set(value, (counts.get(value) ?? 0) + n);
    const entries = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const kept = entries.slice(0, MAX_CATEGORIES);
    const total = sum(categories.map((c) => sum(c.counts.map(([, n]) => n)) + c.other));
    merged.categories = {
      counts: kept,
      distinct: categories.some((c) => c.truncated)
        ? Math.max(entries.length, ...categories.map((c) => c.distinct))
        : entries.length,
      other: total - sum(kept.map(([, n]) => n)),
      truncated: categories.some((c) => c.truncated) || entries.length > MAX_CATEGORIES,
    };
  }
  // Parts typed by inference may disagree on text: the union is a category only if it still looks like one.
  if (
    types.size > 1 &&
    type === 'string' &&
    merged.categories &&
    !merged.categories.truncated &&
    merged.categories.distinct <= MAX_CATEGORY_VALUES &&
    merged.categories.distinct * 2 <= merged.count - merged.nulls
  )
    merged.type = 'category';
  return merged;
}

/**
 * The type of a column in the merged profile. Equal types stay; types inferred from different parts of the data
 * reconcile where one contains the other (int and float are float; category and string are string, or category again
 * when the merged counts say so); any other mix means the shards were read differently, which is the user's to fix.
 */
function mergedType(name: string, types: Set<ColumnProfile['type']>): ColumnProfile['type'] {
  const [first] = types;
  if (types.size === 1) return first!;
  if ([...types].every((t) => t === 'int' || t === 'float')) return 'float';
  if ([...types].every((t) => t === 'category' || t === 'string')) return 'string';
  throw new ConfigurationError(
    `column "${name}" has different types in the profiles to merge (${[...types].join(', ')}); give every shard the same contract`,
  );
}

/**
 * The merged sample: the k lowest priorities of all shards' samples. Each shard's priorities are already in
 * ascending order, so this is a k-way merge that stops after k rows.
 */
function lowestPriorities(
  profiles: readonly Profile[],
  k: number,
): { priority: number; shard: number; index: number }[] {
  const next = profiles.map(() => 0);
  const kept: { priority: number; shard: number; index: number }[] = [];
  while (kept.length < k) {
    let best = -1;
    for (let shard = 0; shard < profiles.length; shard++) {
      const priorities = profiles[shard]!.sample.priorities;
      if (
        next[shard]! < priorities.length &&
        (best < 0 || priorities[next[shard]!]! < profiles[best]!.sample.priorities[next[best]!]!)
      )
        best = shard;
    }
    if (best < 0) break;
    kept.push({ priority: profiles[best]!.sample.priorities[next[best]!]!, shard: best, index: next[best]! });
    next[best]!++;
  }
  return kept;
}

/** One entry per file: parts of one file (read in parallel, or sharded by rows) add their rows. */
function combineFiles(files: readonly { path: string; rows: number }[]): { path: string; rows: number }[] {
  const combined = new Map<string, { path: string; rows: number }>();
  for (const f of files) {
    const entry = combined.get(f.path);
    if (entry) entry.rows += f.rows;
    else combined.set(f.path, { ...f });
  }
  return [...combined.values()];
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
