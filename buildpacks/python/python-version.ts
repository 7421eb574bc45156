import { BerthError } from '../../app/errors';
import type { SourceView } from '../../app/ports/buildpack';
import { quote } from '../shared/quote';

/** Python in berth/buildpack-python:bookworm: Debian bookworm's python3 (image.sh). Change both together. */
export const PYTHON_VERSIONS: readonly string[] = ['3.11.2'];

/** What the app asks for: runtime.txt, else .python-version, else Pipfile's python_version; null for none. */
export function requestedPython(source: SourceView): { version: string; why: string } | null {
  const runtime = source.read('runtime.txt');
  if (runtime !== null && runtime.trim()) {
    const t = runtime.trim();
    const m = /^python-(\d+\.\d+(?:\.\d+)?)$/.exec(t);
    if (!m) throw new BerthError('RUNTIME_VERSION_UNAVAILABLE', `runtime.txt holds ${quote(t, 60)}; write a version such as "python-${PYTHON_VERSIONS[0]}".`);
    return { version: m[1], why: `${quote(t)} in runtime.txt` };
  }
  const dotfile = source.read('.python-version');
  const first = dotfile?.split(/\r?\n/).map((l) => l.replace(/#.*$/, '').trim()).find(Boolean);
  if (first) {
    if (!/^\d+\.\d+(?:\.\d+)?$/.test(first)) throw new BerthError('RUNTIME_VERSION_UNAVAILABLE', `.python-version holds ${quote(first, 60)}; write a version such as "${PYTHON_VERSIONS[0].replace(/\.\d+$/, '')}".`);
    return { version: first, why: `${quote(first)} in .python-version` };
  }
  const pipfile = /^\s*python_(?:full_)?version\s*=\s*["'](\d+\.\d+(?:\.\d+)?)["']/m.exec(source.read('Pipfile') ?? '');
  if (pipfile) return { version: pipfile[1], why: `python_version ${quote(pipfile[1])} in Pipfile` };
  return null;
}

/**
 * The Python berth builds with, and the line the push prints. A request naming only x.y, or
 * x.y.z of a line berth has, is met by that line; another line fails naming what there is.
 */
export function choosePython(source: SourceView): { version: string; line: string } {
  const asked = requestedPython(source);
  const have = PYTHON_VERSIONS[0];
  if (!asked) return { version: have, line: `-----> Python ${have} (no runtime.txt, .python-version or Pipfile python_version: the image's)` };
  const minor = asked.version.split('.').slice(0, 2).join('.');
  const match = PYTHON_VERSIONS.find((v) => v === asked.version) ?? PYTHON_VERSIONS.find((v) => v.startsWith(`${minor}.`));
  if (!match) {
    throw new BerthError('RUNTIME_VERSION_UNAVAILABLE', `${asked.why} asks for Python ${asked.version}, but berth's python buildpack has only Python ${PYTHON_VERSIONS.join(', ')} (Debian bookworm). Ask for ${PYTHON_VERSIONS.map((v) => v.replace(/\.\d+$/, '')).join(' or ')}, or add a Dockerfile.`);
  }
  const note = match === asked.version || asked.version === minor ? '' : `; berth has ${match} of the ${minor} line`;
  return { version: match, line: `-----> Python ${match} (${asked.why}${note})` };
}
