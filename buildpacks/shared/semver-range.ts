import semver from 'semver';

/**
 * npm's semver ranges, through the `semver` package (berth already depends on it for Node.js
 * versions): `engines.node` against a runtime's version, a plugin's `berth` range against berth's.
 * This module keeps the two questions berth asks, with null for "not a range/version".
 */

type Triple = readonly [number, number, number];

/** Parses "18.20.4" (a leading "v" is fine; anything after the patch number is ignored). */
export function parseVersion(text: string): Triple | null {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** Whether `version` satisfies `range`; null when either is not one semver understands. */
export function satisfies(version: string, range: string): boolean | null {
  const v = parseVersion(version);
  if (!v || semver.validRange(range) === null) return null;
  return semver.satisfies(v.join('.'), range);
}
