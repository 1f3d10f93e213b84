import { mergeProfiles } from '../../core/profile/merge-profiles.js';
import type { Profile } from '../../core/profile/profile.js';
import { packSamples } from '../../io/partial-documents.js';
import type { ShardedStepAdapter } from '../runtime/sharded-step.js';

/**
 * drift-check in shards: each shard profiles its rows of the current data; the merge adds the profiles up (their
 * samples are the bottom k of one hash of every row, so the merged sample is exactly an unsharded run's) and the
 * drift is decided on the merged profile.
 */
export const profileShards: ShardedStepAdapter<'drift-check', Profile, Profile> = {
  step: 'drift-check',
  encode: (profile) => packSamples(profile),
  // readPartials has put the packed samples back already.
  decode: (partial) => partial.document.profile!,
  merge: (shards, { createdAt, warn }) =>
    mergeProfiles(
      shards.map((s) => s.state()),
      createdAt,
      warn,
    ),
  rows: (profile) => profile.dataset.rows,
};
