/**
 * A strict parser of Prometheus' text exposition format (version 0.0.4), written for the tests from
 * the format's description: it throws on anything a scraper could misread, so a test that parses
 * /metrics checks the format as well as the numbers.
 *
 * Checked: metric and label names; label values' escapes (\\ \" \n only); values (floats, NaN,
 * +Inf, -Inf); one HELP and one TYPE per family, TYPE before its samples; a family's samples
 * together; no series twice; counters not negative; histograms' buckets with `le`, ascending,
 * cumulative, a `+Inf` bucket equal to `_count`, and a `_sum`.
 */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface PromFamily {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  readonly help: string | null;
  readonly samples: PromSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function value(text: string, where: string): number {
  if (text === 'NaN') return NaN;
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`${where}: "${text}" is not a number`);
  return Number(text);
}

/** `{a="x",b="y"}` from position `at` (the `{`); returns the labels and the position after `}`. */
function labels(line: string, at: number, where: string): { labels: Record<string, string>; end: number } {
  const out: Record<string, string> = {};
  let i = at + 1;
  while (line[i] !== '}') {
    const eq = line.indexOf('=', i);
    if (eq < 0) throw new Error(`${where}: a label without =`);
    const name = line.slice(i, eq);
    if (!LABEL.test(name) || name.startsWith('__')) throw new Error(`${where}: bad label name "${name}"`);
    if (name in out) throw new Error(`${where}: label ${name} twice`);
    if (line[eq + 1] !== '"') throw new Error(`${where}: label ${name}'s value is not quoted`);
    let v = '';
    let j = eq + 2;
    for (; j < line.length && line[j] !== '"'; j++) {
      if (line[j] === '\\') {
        const e = line[++j];
        if (e === '\\') v += '\\'; else if (e === '"') v += '"'; else if (e === 'n') v += '\n';
        else throw new Error(`${where}: bad escape \\${e ?? ''} in label ${name}`);
      } else v += line[j];
    }
    if (j >= line.length) throw new Error(`${where}: label ${name}'s value is not closed`);
    out[name] = v;
    i = j + 1;
    if (line[i] === ',') i++;
    else if (line[i] !== '}') throw new Error(`${where}: expected , or } after label ${name}`);
  }
  return { labels: out, end: i + 1 };
}

/** The family a sample belongs to: histogram and summary samples carry a suffix. */
function familyOf(name: string, families: Map<string, PromFamily>): PromFamily | undefined {
  if (families.has(name)) return families.get(name);
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  const f = m ? families.get(m[1]) : undefined;
  if (f && (f.type === 'histogram' || (f.type === 'summary' && m![2] !== 'bucket'))) return f;
  return undefined;
}

export function parsePrometheusText(text: string): Map<string, PromFamily> {
  if (text !== '' && !text.endsWith('\n')) throw new Error('the exposition does not end with a newline');
  const families = new Map<string, PromFamily>();
  const seen = new Set<string>();
  const closed = new Set<string>();
  let current: string | null = null;
  text.split('\n').forEach((line, n) => {
    const where = `line ${n + 1}`;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) return; // a plain comment
      const [, kind, name, rest] = m;
      if (!NAME.test(name)) throw new Error(`${where}: bad metric name "${name}"`);
      if (closed.has(name) || (current !== null && current !== name && families.get(name)?.samples.length)) throw new Error(`${where}: ${kind} for ${name} after its samples`);
      const f = families.get(name) ?? { name, type: 'untyped' as PromFamily['type'], help: null, samples: [] };
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`${where}: unknown type "${rest}"`);
        if ((f as { typed?: boolean }).typed) throw new Error(`${where}: second TYPE for ${name}`);
        if (f.samples.length) throw new Error(`${where}: TYPE for ${name} after its samples`);
        families.set(name, { ...f, type: rest as PromFamily['type'], typed: true } as PromFamily);
      } else {
        if (f.help !== null) throw new Error(`${where}: second HELP for ${name}`);
        families.set(name, { ...f, help: rest });
      }
      if (current !== null && current !== name) closed.add(current);
      current = name;
      return;
    }
    const nameEnd = line.search(/[{ ]/);
    if (nameEnd <= 0) throw new Error(`${where}: not a sample: ${line}`);
    const name = line.slice(0, nameEnd);
    if (!NAME.test(name)) throw new Error(`${where}: bad metric name "${name}"`);
    const parsed = line[nameEnd] === '{' ? labels(line, nameEnd, where) : { labels: {}, end: nameEnd };
    if (line[parsed.end] !== ' ') throw new Error(`${where}: no space before the value`);
    const rest = line.slice(parsed.end + 1).split(' ');
    if (rest.length > 2 || (rest.length === 2 && !/^-?\d+$/.test(rest[1]))) throw new Error(`${where}: bad value or timestamp "${rest.join(' ')}"`);
    const v = value(rest[0], where);
    let family = familyOf(name, families);
    if (!family) {
      family = { name, type: 'untyped', help: null, samples: [] };
      families.set(name, family);
    }
    if (closed.has(family.name)) throw new Error(`${where}: ${family.name}'s samples are not together`);
    if (current !== null && current !== family.name) closed.add(current);
    current = family.name;
    const key = `${name}${JSON.stringify(Object.entries(parsed.labels).sort())}`;
    if (seen.has(key)) throw new Error(`${where}: series ${key} twice`);
    seen.add(key);
    if (family.type === 'counter' && !(v >= 0)) throw new Error(`${where}: counter ${name} is ${v}`);
    if (family.type === 'histogram' && name.endsWith('_bucket') && !('le' in parsed.labels)) throw new Error(`${where}: bucket without le`);
    family.samples.push({ name, labels: parsed.labels, value: v });
  });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function checkHistogram(f: PromFamily): void {
  const series = new Map<string, { buckets: Array<[number, number]>; count?: number; sum?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const h = series.get(key) ?? { buckets: [] };
    if (s.name === `${f.name}_bucket`) h.buckets.push([value(le, `${f.name} le`), s.value]);
    else if (s.name === `${f.name}_count`) h.count = s.value;
    else if (s.name === `${f.name}_sum`) h.sum = s.value;
    else throw new Error(`${f.name}: unexpected sample ${s.name}`);
    series.set(key, h);
  }
  for (const [key, h] of series) {
    if (h.count === undefined || h.sum === undefined) throw new Error(`${f.name}${key}: no _count or _sum`);
    for (let i = 1; i < h.buckets.length; i++) {
      if (!(h.buckets[i][0] > h.buckets[i - 1][0])) throw new Error(`${f.name}${key}: buckets not in ascending le`);
      if (h.buckets[i][1] < h.buckets[i - 1][1]) throw new Error(`${f.name}${key}: bucket counts not cumulative`);
    }
    const last = h.buckets.at(-1);
    if (!last || last[0] !== Infinity) throw new Error(`${f.name}${key}: no +Inf bucket`);
    if (last[1] !== h.count) throw new Error(`${f.name}${key}: +Inf bucket ${last[1]} is not _count ${h.count}`);
  }
}

/** The value of one series, or undefined. */
export function sampleValue(families: Map<string, PromFamily>, name: string, labels: Record<string, string>): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v) && Object.keys(s.labels).length === Object.keys(labels).length) return s.value;
    }
  }
  return undefined;
}
