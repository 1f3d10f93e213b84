import { ConfigurationError } from '../errors.js';

/** A semantic version (major.minor.patch with an optional pre-release). */
export interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease?: string;
}

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;

export function parseVersion(text: string): Version | undefined {
  const match = SEMVER.exec(text);
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    ...(match[4] ? { prerelease: match[4] } : {}),
  };
}

export function formatVersion(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}`;
}

/** Orders versions as semver does for releases (a pre-release before its release; pre-releases by text). */
export function compareVersions(a: Version, b: Version): number {
  return (
    a.major - b.major ||
    a.minor - b.minor ||
    a.patch - b.patch ||
    (a.prerelease === b.prerelease ? 0 : !a.prerelease ? 1 : !b.prerelease ? -1 : a.prerelease < b.prerelease ? -1 : 1)
  );
}

/** The next version after `latest` (1.0.0 when there is none). */
export function bumpVersion(latest: Version | undefined, bump: 'patch' | 'minor' | 'major'): Version {
  if (!latest) return { major: 1, minor: 0, patch: 0 };
  if (bump === 'major') return { major: latest.major + 1, minor: 0, patch: 0 };
  if (bump === 'minor') return { major: latest.major, minor: latest.minor + 1, patch: 0 };
  return { major: latest.major, minor: latest.minor, patch: latest.patch + 1 };
}

/** The highest version among tags that start with `prefix` (other tags are not mlgate's). */
export function latestVersion(tags: readonly string[], prefix: string): Version | undefined {
  return tags
    .filter((t) => t.startsWith(prefix))
    .map((t) => parseVersion(t.slice(prefix.length)))
    .filter((v): v is Version => v !== undefined)
    .sort(compareVersions)
    .at(-1);
}

/** An explicit version input, checked. */
export function explicitVersion(text: string, label: string): Version {
  const version = parseVersion(text.replace(/^v/, ''));
  if (!version)
    throw new ConfigurationError(`${label} must be a semantic version such as 1.4.0, or auto (got "${text}")`);
  return version;
}
