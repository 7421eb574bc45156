/** Which config vars differ between two sets, by name only (values stay out: viewers may read a diff). */
export interface ConfigDiff {
  /** In `to` only. */
  readonly added: readonly string[];
  /** In `from` only. */
  readonly removed: readonly string[];
  /** In both, with another value. */
  readonly changed: readonly string[];
}

export function configDiff(from: Readonly<Record<string, string>>, to: Readonly<Record<string, string>>): ConfigDiff {
  const sorted = (keys: string[]) => keys.sort((a, b) => a.localeCompare(b));
  return {
    added: sorted(Object.keys(to).filter((k) => !(k in from))),
    removed: sorted(Object.keys(from).filter((k) => !(k in to))),
    changed: sorted(Object.keys(to).filter((k) => k in from && from[k] !== to[k])),
  };
}

/** `set A, unset B` for an event or a log line; `no change` when none. */
export function describeDiff(d: ConfigDiff): string {
  const parts = [...d.added.map((k) => `set ${k}`), ...d.changed.map((k) => `changed ${k}`), ...d.removed.map((k) => `unset ${k}`)];
  return parts.length ? parts.join(', ') : 'no change';
}
