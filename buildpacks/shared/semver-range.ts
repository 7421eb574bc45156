/**
 * Just enough of npm's semver ranges to check `engines.node` against the runtime's Node.js:
 * `||`, space-separated comparators, hyphen ranges, `^`, `~`, x-ranges and `*`. Prerelease
 * tags are ignored. A hand-rolled subset because berth adds no npm package for one check.
 */

type Triple = readonly [number, number, number];
type Op = '<' | '<=' | '>' | '>=' | '=';
interface Comparator { readonly op: Op; readonly v: Triple }

/** A partial version: missing parts (x, X, *, absent) are null. */
type Partial = readonly [number | null, number | null, number | null];

const PARTIAL = /^v?(\d+|[xX*])(?:\.(\d+|[xX*])(?:\.(\d+|[xX*])(?:[-+][0-9A-Za-z.+-]*)?)?)?$/;
const ANY: Comparator[] = [{ op: '>=', v: [0, 0, 0] }];

function parsePartial(text: string): Partial | null {
  const m = PARTIAL.exec(text);
  if (!m) return null;
  const part = (s: string | undefined): number | null => (s === undefined || /^[xX*]$/.test(s) ? null : Number(s));
  const [a, b, c] = [part(m[1]), part(m[2]), part(m[3])];
  // "1.x.3" is not a range; everything after the first wildcard is a wildcard.
  if (a === null) return [null, null, null];
  if (b === null) return [a, null, null];
  return [a, b, c];
}

const fill = (p: Partial): Triple => [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0];

/** The smallest version above every version the partial names (`1.2` → 1.3.0). */
function next(p: Partial): Triple | null {
  if (p[0] === null) return null;
  if (p[1] === null) return [p[0] + 1, 0, 0];
  if (p[2] === null) return [p[0], p[1] + 1, 0];
  return null;
}

function xRange(p: Partial): Comparator[] {
  if (p[0] === null) return ANY;
  const upper = next(p);
  return upper ? [{ op: '>=', v: fill(p) }, { op: '<', v: upper }] : [{ op: '=', v: fill(p) }];
}

function caret(p: Partial): Comparator[] {
  if (p[0] === null) return ANY;
  const [a, b, c] = fill(p);
  let upper: Triple;
  if (a > 0 || p[1] === null) upper = [a + 1, 0, 0];
  else if (b > 0 || p[2] === null) upper = [0, b + 1, 0];
  else upper = [0, 0, c + 1];
  return [{ op: '>=', v: [a, b, c] }, { op: '<', v: upper }];
}

function tilde(p: Partial): Comparator[] {
  if (p[0] === null) return ANY;
  const upper: Triple = p[1] === null ? [p[0] + 1, 0, 0] : [p[0], p[1] + 1, 0];
  return [{ op: '>=', v: fill(p) }, { op: '<', v: upper }];
}

function primitive(op: Op, p: Partial): Comparator[] {
  if (op === '=') return xRange(p);
  if (p[0] === null) return op === '<' || op === '>' ? [{ op: '<', v: [0, 0, 0] }] : ANY;
  const upper = next(p);
  switch (op) {
    case '>': return [upper ? { op: '>=', v: upper } : { op: '>', v: fill(p) }];
    case '>=': return [{ op: '>=', v: fill(p) }];
    case '<': return [{ op: '<', v: fill(p) }];
    case '<=': return [upper ? { op: '<', v: upper } : { op: '<=', v: fill(p) }];
  }
}

function parseSimple(token: string): Comparator[] | null {
  const m = /^(<=|>=|<|>|=|\^|~>?)?(.*)$/.exec(token);
  if (!m) return null;
  const p = parsePartial(m[2] ?? '');
  if (!p) return null;
  const op = m[1];
  if (!op) return xRange(p);
  if (op === '^') return caret(p);
  if (op === '~' || op === '~>') return tilde(p);
  return primitive(op as Op, p);
}

function parseRange(text: string): Comparator[] | null {
  const t = text.trim().replace(/(<=|>=|<|>|=|\^|~>?)\s+/g, '$1');
  if (t === '' || t === '*') return ANY;
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(t);
  if (hyphen) {
    const lo = parsePartial(hyphen[1]);
    const hi = parsePartial(hyphen[2]);
    if (!lo || !hi) return null;
    const upper = next(hi);
    const top: Comparator[] = hi[0] === null ? [] : [upper ? { op: '<', v: upper } : { op: '<=', v: fill(hi) }];
    return [{ op: '>=', v: fill(lo) }, ...top];
  }
  const out: Comparator[] = [];
  for (const token of t.split(/\s+/)) {
    const c = parseSimple(token);
    if (!c) return null;
    out.push(...c);
  }
  return out;
}

function compare(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function test(v: Triple, c: Comparator): boolean {
  const d = compare(v, c.v);
  switch (c.op) {
    case '<': return d < 0;
    case '<=': return d <= 0;
    case '>': return d > 0;
    case '>=': return d >= 0;
    case '=': return d === 0;
  }
}

/** Parses "18.20.4" (a leading "v" is fine). */
export function parseVersion(text: string): Triple | null {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** Whether `version` satisfies `range`; null when the range is not one this subset understands. */
export function satisfies(version: string, range: string): boolean | null {
  const v = parseVersion(version);
  if (!v) return null;
  const sets = range.split('||').map(parseRange);
  if (sets.some((s) => s === null)) return null;
  return sets.some((set) => set!.every((c) => test(v, c)));
}
