import { BerthError } from '../errors';
import { escapeOf, instructions, joined } from './dockerfile-prep';

/**
 * Every image a Dockerfile makes the build read: `FROM <image>`, `COPY --from=<image>` and
 * `RUN --mount=…,from=<image>` (also under ONBUILD), each with every value it can take.
 * The build finds images on the host first, so these are how one app's build could read another
 * app's image (image-guard.ts decides which are refused).
 *
 * Read conservatively, so no spelling hides an image: the instructions are taken both as
 * BuildKit joins them and line by line (a heredoc's body then counts too: a refusal there is
 * only over-cautious); a variable stands for every value the file or the build args could give
 * it (all its ARG defaults, ENV values and build args, or unset), so the guard checks a superset
 * of what the build resolves. What cannot be read that way is refused instead of guessed at:
 * quotes or escapes in an image name, `${…}` forms other than `:-`, `-`, `:+`, `+`, `:?`, `?`,
 * nesting deeper than four variables, more than 256 spellings.
 */
export interface NamedImage {
  /** 1-based line of the instruction. */
  readonly line: number;
  /** As written, e.g. `${BASE}` or `berth/x:v1`. */
  readonly written: string;
  /** Every image name it can resolve to (variables expanded), stage names and `scratch` left out. */
  readonly candidates: readonly string[];
}

const MAX_CANDIDATES = 256;
const MAX_DEPTH = 4;
/** BuildKit's automatic platform args, with the values this host builds for. */
const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
const AUTOMATIC: Record<string, string> = (() => {
  const arch = ARCH[process.arch] ?? process.arch;
  const o: Record<string, string> = {};
  for (const p of ['BUILD', 'TARGET']) Object.assign(o, { [`${p}PLATFORM`]: `linux/${arch}`, [`${p}OS`]: 'linux', [`${p}ARCH`]: arch, [`${p}VARIANT`]: '' });
  return o;
})();

function unreadable(line: number, why: string): never {
  throw new BerthError('INVALID_IMAGE', `Dockerfile line ${line}: ${why}; berth checks every image a build reads, so write image names plainly (name[:tag], ARG defaults and build args allowed).`);
}

/** Shell-like words of an ARG/ENV line: quotes removed, escapes applied (values only, never image names). */
function words(text: string, escape: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === escape && quote !== "'" && i + 1 < text.length) { cur += text[++i]; started = true; continue; }
    if (quote) { if (c === quote) quote = null; else cur += c; continue; }
    if (c === '"' || c === "'") { quote = c; started = true; continue; }
    if (/\s/.test(c)) { if (started) out.push(cur); cur = ''; started = false; continue; }
    cur += c;
    started = true;
  }
  if (started) out.push(cur);
  return out;
}

/** Leading `--flag` words of an instruction's arguments. */
function flagsOf(args: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let rest = args;
  for (;;) {
    const f = /^\s*(--\S*)(\s+|$)/.exec(rest);
    if (!f) break;
    flags.push(f[1]);
    rest = rest.slice(f[0].length);
  }
  return { flags, rest: rest.trim() };
}

interface Found { line: number; written: string; stages: ReadonlySet<string> }

/** The image words one instruction names, and the variables it sets. */
function scan(text: string, line: number, escape: string, stages: Set<string>, vars: Map<string, Set<string | null>>, found: Found[]): void {
  const m = /^\s*(?:onbuild\s+)?(\w+)\s*(.*)$/is.exec(text);
  if (!m) return;
  const keyword = m[1].toLowerCase();
  const { flags, rest } = flagsOf(m[2]);
  const add = (written: string) => found.push({ line, written, stages: new Set(stages) });
  if (keyword === 'from') {
    const [ref, as, name] = rest.split(/\s+/);
    if (ref) add(ref);
    if (as?.toLowerCase() === 'as' && name) stages.add(name.toLowerCase());
  } else if (keyword === 'copy' || keyword === 'add') {
    for (const f of flags) { const v = /^--from=(.*)$/i.exec(f); if (v) add(v[1]); }
  } else if (keyword === 'run') {
    for (const f of flags) {
      const mount = /^--mount=?(.*)$/i.exec(f);
      if (!mount) continue;
      for (const field of mount[1].split(',')) { const v = /^\s*from=(.*)$/i.exec(field); if (v) add(v[1]); }
    }
  } else if (keyword === 'arg' || keyword === 'env') {
    const ws = words(m[2], escape);
    const pairs = keyword === 'env' && ws.length > 0 && !ws[0].includes('=') ? [[ws[0], ws.slice(1).join(' ')]] : ws.map((w) => {
      const i = w.indexOf('=');
      return i < 0 ? [w, null] : [w.slice(0, i), w.slice(i + 1)];
    });
    for (const [name, value] of pairs) {
      if (!name) continue;
      const set = vars.get(name) ?? new Set<string | null>([null]);
      if (value !== null) set.add(value);
      vars.set(name, set);
    }
  }
}

/** Every value `word` can take, with `vars` standing for each variable's possible values. */
function expand(word: string, vars: Map<string, Set<string | null>>, line: number, depth: number): Set<string> {
  if (!word.includes('$')) return new Set([word]);
  if (depth >= MAX_DEPTH) unreadable(line, `"${word.slice(0, 80)}" nests variables too deeply`);
  let results = new Set<string>(['']);
  const append = (options: Iterable<string>) => {
    const next = new Set<string>();
    for (const r of results) for (const o of options) next.add(r + o);
    if (next.size > MAX_CANDIDATES) unreadable(line, `"${word.slice(0, 80)}" can name more than ${MAX_CANDIDATES} images`);
    results = next;
  };
  const valuesOf = (name: string): Set<string | null> => {
    const out = new Set<string | null>(vars.get(name) ?? [null]);
    if (name in AUTOMATIC) out.add(AUTOMATIC[name]);
    const expanded = new Set<string | null>();
    for (const v of out) {
      if (v === null) expanded.add(null);
      else for (const e of expand(v, vars, line, depth + 1)) expanded.add(e);
    }
    return expanded;
  };
  let i = 0;
  while (i < word.length) {
    const d = word.indexOf('$', i);
    if (d < 0) { append([word.slice(i)]); break; }
    append([word.slice(i, d)]);
    const simple = /^\$([A-Za-z_]\w*)/.exec(word.slice(d));
    const braced = /^\$\{([A-Za-z_]\w*)(?:(:?[-+?])([^${}]*))?\}/.exec(word.slice(d));
    if (simple) {
      append([...valuesOf(simple[1])].map((v) => v ?? ''));
      i = d + simple[0].length;
    } else if (braced) {
      const [, name, op, alt = ''] = braced;
      const options = [...valuesOf(name)].map((v) => {
        const set = v !== null && (op?.startsWith(':') ? v !== '' : true);
        if (!op) return v ?? '';
        if (op.endsWith('-')) return set ? v! : alt;
        if (op.endsWith('+')) return set ? alt : '';
        return v ?? ''; // `?`: unset fails the build; its value otherwise
      });
      append(options);
      i = d + braced[0].length;
    } else {
      unreadable(line, `"${word.slice(0, 80)}" uses a variable form berth does not read`);
    }
  }
  return results;
}

/** The images `text` names (and `triggers`, a base image's ONBUILD instructions, which run in this build). */
export function imagesNamedIn(text: string, buildArgs: Readonly<Record<string, string>>): NamedImage[] {
  const lines = text.split('\n');
  const escape = escapeOf(lines);
  const vars = new Map<string, Set<string | null>>();
  for (const [k, v] of Object.entries(buildArgs)) vars.set(k, new Set([null, v]));
  const found: Found[] = [];
  const stages = new Set<string>();
  let at = 1;
  for (const group of instructions(lines, escape)) {
    scan(joined(group, escape), at, escape, stages, vars, found);
    at += group.length;
  }
  // Line by line too: where BuildKit's reading and this one could differ, both are checked.
  const lineStages = new Set<string>();
  lines.forEach((l, i) => scan(l, i + 1, escape, lineStages, vars, found));
  const seen = new Set<string>();
  const out: NamedImage[] = [];
  for (const f of found) {
    const key = `${f.line}\0${f.written}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (/["'`\\]/.test(f.written) || f.written.includes(escape)) unreadable(f.line, `the image "${f.written.slice(0, 80)}" is quoted or escaped`);
    const candidates = [...expand(f.written, vars, f.line, 0)]
      .filter((c) => c !== '' && c.toLowerCase() !== 'scratch' && !/^\d+$/.test(c) && !f.stages.has(c.toLowerCase()));
    if (candidates.length > 0) out.push({ line: f.line, written: f.written, candidates });
  }
  return out;
}
