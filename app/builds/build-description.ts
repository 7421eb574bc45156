/**
 * One line saying what a build does, for lists (`builds:list`, the dashboard): the kind, then what
 * it works on, said once. A source that already begins with the kind ("config change" of a
 * `config` build, "archive upload" of an `archive` one) stands alone.
 */
export function describeBuild(b: { readonly kind: string; readonly source: string | null }): string {
  const source = (b.source ?? '').trim();
  if (source === '') return b.kind;
  if (b.kind === 'sync') return `sync ${source.slice(0, 7)} from ${source.split(' ')[1] ?? ''}`.trim();
  if (b.kind === 'push' || b.kind === 'rebuild') return `${b.kind} ${/^[0-9a-f]{40}$/.test(source) ? source.slice(0, 7) : source}`;
  if (b.kind === 'scale') return `scale ${scaleWords(source)}`;
  if (source.toLowerCase() === b.kind.toLowerCase() || source.toLowerCase().startsWith(`${b.kind.toLowerCase()} `)) return source;
  return `${b.kind} ${source}`;
}

/** `{"web":2}` → `web=2`, as `ps:scale` takes it. */
function scaleWords(source: string): string {
  try {
    const scale = JSON.parse(source) as Record<string, unknown>;
    if (scale && typeof scale === 'object' && !Array.isArray(scale)) return Object.entries(scale).map(([t, n]) => `${t}=${String(n)}`).join(' ');
  } catch { /* not JSON: shown as it is */ }
  return source;
}
