import ignore from '@balena/dockerignore';

/**
 * A .dockerignore matcher (the API client, not the daemon, must apply it), with Docker's own
 * rules through @balena/dockerignore: `*`, `?`, `**`, `[a-z]` classes, `!` exceptions, and a
 * folder's pattern covering everything under it.
 */
export function dockerignoreMatcher(text: string | null): (path: string) => boolean {
  if (!text) return () => false;
  const rules = ignore().add(text);
  return (path) => rules.ignores(path);
}
