import { BerthError } from '../errors';

/**
 * What berth changes in an app's Dockerfile before a BuildKit build, and why:
 * - `# syntax=docker/dockerfile:…` asks BuildKit to pull that frontend image, and no registry is
 *   reachable; the engine's built-in frontend (dockerd 20.10+) already knows RUN --mount,
 *   COPY --chmod and heredoc-free 1.x syntax, so the directive becomes a plain comment (noted in
 *   the log). Other frontends are left alone (their build fails with the engine's own message).
 * - `RUN --mount=type=cache` mounts are keyed by `id` (default: the target path) across the whole
 *   engine, so every app would share — and could read or poison — another's cache. Each id is
 *   prefixed with the app's stable id, so an app only ever sees its own caches, which persist
 *   between its pushes.
 * BuildKit reads a RUN's flags after joining continuation lines, strips quotes from the mount's
 * comma-separated fields and lets the last of a repeated key win; each of those once hid a cache
 * mount from the scoping (`type=\` + newline + `cache`, `"type=cache"`, `type=bind,type=cache`).
 * So the flags are read from the joined instruction, and a mount flag with quotes, escapes or a
 * repeated key is refused instead of guessed at.
 */
const SYNTAX = /^(\s*#\s*syntax\s*=\s*)((?:docker\.io\/)?docker\/dockerfile(?::[\w.-]+)?(?:@sha256:[a-f0-9]{64})?)\s*$/i;
const ESCAPE = /^\s*#\s*escape\s*=\s*(\S)\s*$/i;
const RUN = /^(\s*(?:onbuild\s+)?run\s+)(.*)$/is;

function refuse(why: string): never {
  throw new BerthError('BUILD_FAILED', `RUN --mount ${why}: berth keeps cache mounts per app and reads only plain mount options; write them unquoted, once each, on the RUN line (e.g. --mount=type=cache,target=/root/.npm).`);
}

function scopeMount(spec: string, appId: string): string {
  if (/["'\\`]/.test(spec)) refuse(`options ${JSON.stringify(spec.slice(0, 80))} carry quotes or escapes`);
  const parts = spec.split(',');
  const opts = parts.map((p) => { const i = p.indexOf('='); return i < 0 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)]; });
  const keys = opts.map(([k]) => k.toLowerCase());
  const repeated = keys.find((k, i) => keys.indexOf(k) !== i);
  if (repeated) refuse(`option "${repeated}" is given twice`);
  const get = (k: string) => opts.find(([key]) => key.toLowerCase() === k)?.[1];
  if ((get('type') ?? 'bind').toLowerCase() !== 'cache') return spec;
  const target = get('target') ?? get('dst') ?? get('destination') ?? '';
  const id = `berth-${appId}-${get('id') ?? target}`;
  const rest = opts.filter(([key]) => key.toLowerCase() !== 'id').map(([k, v]) => (v === '' && !spec.includes(`${k}=`) ? k : `${k}=${v}`));
  return [...rest, `id=${id}`].join(',');
}

/** Physical lines grouped into instructions: a line ending in the escape character continues (comment and empty lines inside are skipped, as BuildKit does). */
export function instructions(lines: string[], escape: string): string[][] {
  const out: string[][] = [];
  let current: string[] | null = null;
  for (const line of lines) {
    if (current && /^\s*(#.*)?$/.test(line)) { current.push(line); continue; }
    const group: string[] = current ?? [];
    group.push(line);
    if (line.trimEnd().endsWith(escape) && !/^\s*#/.test(line)) { current = group; continue; }
    current = null;
    out.push(group);
  }
  if (current) out.push(current);
  return out;
}

/** The instruction as BuildKit reads it: continuations joined, skipped lines dropped. */
export function joined(group: string[], escape: string): string {
  const kept = group.filter((l, i) => i === 0 || !/^\s*(#.*)?$/.test(l));
  return kept.map((l, i) => (i < kept.length - 1 ? l.trimEnd().slice(0, -escape.length) : l)).join('');
}

/** A RUN's flags scoped; null when the instruction is not a RUN with a --mount flag. */
function scopeRun(instruction: string, appId: string): { text: string; scoped: number } | null {
  const m = RUN.exec(instruction);
  if (!m) return null;
  let rest = m[2];
  const flags: string[] = [];
  for (;;) {
    const f = /^(--\S*)(\s+|$)/.exec(rest);
    if (!f) break;
    flags.push(f[1]);
    rest = rest.slice(f[0].length);
  }
  if (!flags.some((f) => /^--mount\b/i.test(f))) return null;
  let scoped = 0;
  const out = flags.map((flag) => {
    const fm = /^--(mount)(=?)(.*)$/i.exec(flag);
    if (!fm) return flag;
    if (fm[1] !== 'mount' || fm[2] !== '=') refuse(`flag ${JSON.stringify(flag.slice(0, 80))} is not written --mount=<options>`);
    const next = scopeMount(fm[3], appId);
    if (next !== fm[3]) scoped++;
    return `--mount=${next}`;
  });
  return { text: `${m[1]}${out.join(' ')}${rest ? ` ${rest}` : ''}`, scoped };
}

/**
 * `# syntax=<image>` makes BuildKit run that image as the build's frontend, and BuildKit finds
 * images on the host first: an app's own image (`berth/<app>:vN`) could be a frontend that asks
 * for any cache mount by raw id, around the per-app keys. Only docker/dockerfile is taken (and
 * built with the engine's own frontend); the build arg BUILDKIT_SYNTAX, the same switch, is
 * refused in ImageBuilder.
 */
const ANY_SYNTAX = /^\s*#\s*syntax\s*=\s*(.*)$/i;

/** The escape character the parser directives at the very top choose (`# escape=`), else backslash. */
export function escapeOf(lines: readonly string[]): string {
  for (const line of lines) {
    if (line.trim() === '') continue;
    if (!/^\s*#/.test(line)) break;
    const e = ESCAPE.exec(line);
    if (e) return e[1];
  }
  return '\\';
}

export function prepareDockerfile(text: string, appId: string): { text: string; notes: string[] } {
  const notes: string[] = [];
  const lines = text.split('\n');
  let escape = '\\';
  // Parser directives are only read at the very top, before any other line (blank lines too, to be safe).
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    if (!/^\s*#/.test(line)) break;
    const e = ESCAPE.exec(line);
    if (e) escape = e[1];
    const m = SYNTAX.exec(line);
    if (m) {
      lines[i] = `# (berth: built with the engine's Dockerfile frontend) ${m[2]}`;
      notes.push(`# syntax=${m[2]} ignored: no registry to pull that frontend from; the engine's built-in Dockerfile frontend builds it`);
    } else if (ANY_SYNTAX.test(line)) {
      throw new BerthError('BUILD_FAILED', `# syntax=${ANY_SYNTAX.exec(line)![1].trim().slice(0, 100)}: berth builds Dockerfiles with the engine's own frontend only (a frontend image could reach other apps' build caches); remove the line or name docker/dockerfile.`);
    }
  }
  let scoped = 0;
  const out: string[] = [];
  for (const group of instructions(lines, escape)) {
    const run = scopeRun(joined(group, escape), appId);
    // Unchanged instructions keep their lines (and line numbers in BuildKit's messages).
    if (!run || run.scoped === 0) { out.push(...group); continue; }
    scoped += run.scoped;
    out.push(run.text, ...group.slice(1).map(() => ''));
  }
  if (scoped > 0) notes.push(`${scoped} cache mount${scoped === 1 ? '' : 's'} kept per app (they persist between pushes)`);
  return { text: out.join('\n'), notes };
}
