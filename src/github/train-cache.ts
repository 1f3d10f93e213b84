import * as cache from '@actions/cache';
import type { Logger } from '../core/logger.js';

export interface CacheResult {
  key: string;
  /** The key of the entry restored: the key itself (an exact hit), an older one (a restore key), or null. */
  restored: string | null;
  saved: boolean;
}

/**
 * Restores `paths` from the runner's cache (the exact key, else the newest entry of an older key with the same
 * prefix). Caching is an optimisation: a cache service that fails or is absent costs a warning, never the run.
 */
export async function restoreDatasetCache(
  paths: string[],
  key: string,
  restorePrefix: string,
  logger: Logger,
): Promise<string | null> {
  if (!cache.isFeatureAvailable()) {
    logger.info('The cache service is not available here (not on a GitHub runner): the data is not cached');
    return null;
  }
  try {
    return (await cache.restoreCache(paths, key, [restorePrefix])) ?? null;
  } catch (error) {
    logger.warning(`Cache not restored: ${(error as Error).message}`);
    return null;
  }
}

/** Saves `paths` under `key` unless that exact key was restored; another job saving the same key first is fine. */
export async function saveDatasetCache(
  paths: string[],
  key: string,
  restored: string | null,
  logger: Logger,
): Promise<boolean> {
  if (restored === key || !cache.isFeatureAvailable()) return false;
  try {
    return (await cache.saveCache(paths, key)) !== -1;
  } catch (error) {
    if (error instanceof cache.ReserveCacheError) {
      logger.info(`Cache ${key} is already saved (by another job)`);
      return false;
    }
    logger.warning(`Cache not saved: ${(error as Error).message}`);
    return false;
  }
}
