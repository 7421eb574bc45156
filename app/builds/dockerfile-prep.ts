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
 */
const SYNTAX = /^(\s*#\s*syntax\s*=\s*)((?:docker\.io\/)?docker\/dockerfile(?::[\w.-]+)?(?:@sha256:[a-f0-9]{64})?)\s*$/i;

function scopeMount(spec: string, appId: string): string {
  const parts = spec.split(',');
  const opts = parts.map((p) => { const i = p.indexOf('='); return i < 0 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)]; });
  const get = (k: string) => opts.find(([key]) => key.toLowerCase() === k)?.[1];
  if ((get('type') ?? 'bind').toLowerCase() !== 'cache') return spec;
  const target = get('target') ?? get('dst') ?? get('destination') ?? '';
  const id = `berth-${appId}-${get('id') ?? target}`;
  const rest = opts.filter(([key]) => key.toLowerCase() !== 'id').map(([k, v]) => (v === '' && !spec.includes(`${k}=`) ? k : `${k}=${v}`));
  return [...rest, `id=${id}`].join(',');
}

export function prepareDockerfile(text: string, appId: string): { text: string; notes: string[] } {
  const notes: string[] = [];
  const lines = text.split('\n');
  // Parser directives are only read at the very top, before any other line.
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!/^\s*#/.test(line)) break;
    const m = SYNTAX.exec(line);
    if (m) {
      lines[i] = `# (berth: built with the engine's Dockerfile frontend) ${m[2]}`;
      notes.push(`# syntax=${m[2]} ignored: no registry to pull that frontend from; the engine's built-in Dockerfile frontend builds it`);
    }
  }
  let scoped = 0;
  const out = lines.map((line) => line.replace(/--mount=(\S+)/g, (all, spec: string) => {
    const next = scopeMount(spec, appId);
    if (next === spec) return all;
    scoped++;
    return `--mount=${next}`;
  }));
  if (scoped > 0) notes.push(`${scoped} cache mount${scoped === 1 ? '' : 's'} kept per app (they persist between pushes)`);
  return { text: out.join('\n'), notes };
}
