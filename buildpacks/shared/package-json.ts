import { BerthError } from '../../app/errors';
import type { SourceView } from '../../app/ports/buildpack';

/** The parts of package.json the node buildpack reads; everything else is left alone. */
export interface PackageJson {
  readonly scripts: Readonly<Record<string, string>>;
  readonly enginesNode: string | null;
  /** `packageManager`, e.g. "pnpm@9.1.0" (corepack's field), or null. */
  readonly packageManager: string | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringsOf(v: unknown): Record<string, string> {
  if (!isRecord(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** Reads package.json without trusting its shape; a file that is not a JSON object fails the build. */
export function readPackageJson(source: SourceView, file = 'package.json'): PackageJson {
  const text = source.read(file);
  if (text === null) throw new BerthError('BUILD_FAILED', `${file} is missing or larger than 1 MiB.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new BerthError('BUILD_FAILED', `${file} is not valid JSON (${(e as Error).message}); fix it and push again.`);
  }
  if (!isRecord(parsed)) throw new BerthError('BUILD_FAILED', `${file} must hold a JSON object.`);
  const engines = stringsOf(parsed.engines);
  return {
    scripts: stringsOf(parsed.scripts),
    enginesNode: engines.node?.trim() || null,
    packageManager: typeof parsed.packageManager === 'string' ? parsed.packageManager.trim() : null,
  };
}
