import { BerthError } from '../errors';

/*
 * Hostnames reach nginx's server_name, so they are checked strictly here (and again in the router):
 * dot-separated labels of a-z, 0-9 and dashes, optionally starting with `*.`. Nothing that passes
 * can hold whitespace, braces, semicolons, quotes, `$` or newlines.
 */

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Lowercases and drops one trailing dot; the result is validated, never trimmed of junk. */
export function normalizeHostname(raw: unknown): string {
  if (typeof raw !== 'string') throw new BerthError('INVALID_DOMAIN', `A domain must be text, not ${JSON.stringify(raw)}.`);
  const host = raw.toLowerCase().replace(/\.$/, '');
  if (host.length === 0 || host.length > 253) {
    throw new BerthError('INVALID_DOMAIN', `Invalid domain ${JSON.stringify(raw)}: 1 to 253 characters.`);
  }
  const labels = host.startsWith('*.') ? host.slice(2).split('.') : host.split('.');
  const badLabel = labels.find((l) => !LABEL.test(l));
  if (badLabel !== undefined) {
    throw new BerthError('INVALID_DOMAIN', `Invalid domain ${JSON.stringify(raw)}: ${badLabel === '' ? 'empty label (".." or a leading dot)' : `label ${JSON.stringify(badLabel)}`}; use a-z, 0-9 and dashes, with "*." only at the start.`);
  }
  return host;
}

export function normalizeHostnames(raw: unknown): string[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new BerthError('INVALID_INPUT', 'Give at least one domain.');
  if (raw.length > 100) throw new BerthError('INVALID_INPUT', 'At most 100 domains at once.');
  return [...new Set(raw.map(normalizeHostname))];
}
