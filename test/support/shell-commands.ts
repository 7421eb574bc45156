/**
 * The programs a bash script of this project runs: the words in command position (line start,
 * after ; && || | & ( { ! then do else, inside $( ) and <( )), through wrappers that run their
 * argument (timeout, setsid, nohup, xargs, env, exec, find -exec, bash -c '…', and the script's own
 * functions that run "$@"). Heredoc bodies are skipped: they are files or Dockerfiles, not commands
 * run here. A small reader for the scripts in this repository, not a full bash parser: what it
 * cannot name (a command word from a variable) it leaves out, and test/unit/executables.test.ts
 * says so next to the scripts that do it.
 */

export interface ShellCommand { readonly name: string; readonly line: number }

const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'for', 'in', 'case', 'esac',
  'function', 'select', 'time', '!', '{', '}', '[[', ']]']);
/** Words after which the next word is in command position again. */
const RESTARTS = new Set(['then', 'do', 'else', 'elif', 'if', 'while', 'until', '!', '{', 'time']);
/** bash builtins: run inside bash, no program needed. */
export const BASH_BUILTINS = new Set(['.', ':', '[', 'alias', 'bg', 'bind', 'break', 'builtin', 'caller', 'cd', 'command', 'compgen',
  'complete', 'continue', 'declare', 'dirs', 'disown', 'echo', 'enable', 'eval', 'exec', 'exit', 'export', 'false', 'fc', 'fg',
  'getopts', 'hash', 'help', 'history', 'jobs', 'kill', 'let', 'local', 'logout', 'mapfile', 'popd', 'printf', 'pushd', 'pwd',
  'read', 'readarray', 'readonly', 'return', 'set', 'shift', 'shopt', 'source', 'suspend', 'test', 'times', 'trap', 'true',
  'type', 'typeset', 'ulimit', 'umask', 'unalias', 'unset', 'wait']);
/** Programs and builtins that run the command given after their own options. */
const WRAPPERS: Record<string, { skipValues?: number; valueOptions?: readonly string[] }> = {
  exec: {}, command: {}, nohup: {}, setsid: {}, nice: { valueOptions: ['-n'] }, sudo: { valueOptions: ['-u', '-g'] },
  env: {}, xargs: { valueOptions: ['-n', '-I', '-L', '-P', '-d', '-s', '-a', '-E'] },
  timeout: { skipValues: 1, valueOptions: ['-s', '-k', '--signal', '--kill-after'] },
  unshare: {}, nsenter: {}, chroot: { skipValues: 1 },
};

interface Tok { text: string; kind: 'word' | 'op'; line: number; quoted: boolean }

/** Commands of a whole script, with the script's functions that run "$@" followed through. */
export function shellCommands(script: string): ShellCommand[] {
  const lines = stripHeredocs(script);
  const functions = functionBodies(lines);
  const runners = new Map<string, number>(); // function name -> index of its argument that is the command
  for (const [name, body] of functions) {
    const toks = tokenize(body.text, body.start);
    if (commandsOf(toks, new Map()).some((c) => c.name === '"$@"' || c.name === '$@')) {
      runners.set(name, (body.text.match(/(^|[\s;])shift([\s;]|$)/g) ?? []).length);
    }
  }
  const all = commandsOf(tokenize(lines.join('\n'), 1), runners);
  return all.filter((c) => !functions.has(c.name) && !/^["']?\$/.test(c.name) && !KEYWORDS.has(c.name));
}

/** Blank the bodies of heredocs (<<EOF, <<'EOF', <<-EOF) but keep the line count. */
function stripHeredocs(script: string): string[] {
  const lines = script.split('\n');
  const out: string[] = [];
  let until: string | null = null;
  for (const line of lines) {
    if (until !== null) {
      out.push('');
      if (line.replace(/^\t+/, '') === until) until = null;
      continue;
    }
    const m = /(?:^|[^<])<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(line);
    if (m) until = m[2];
    out.push(line);
  }
  return out;
}

/** `name() {` … a line starting with `}`; one-line `name() { …; }` too. */
function functionBodies(lines: string[]): Map<string, { text: string; start: number }> {
  const out = new Map<string, { text: string; start: number }>();
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*(?:function\s+)?([A-Za-z_][A-Za-z0-9_-]*)\s*\(\)\s*\{(.*)$/.exec(lines[i]);
    if (!m) continue;
    if (/\}\s*$/.test(m[2])) { out.set(m[1], { text: m[2].replace(/\}\s*$/, ''), start: i + 1 }); continue; }
    let j = i + 1;
    while (j < lines.length && !/^\}/.test(lines[j])) j++;
    out.set(m[1], { text: lines.slice(i + 1, j).join('\n'), start: i + 2 });
  }
  return out;
}

/** Words and operators; the text inside $( ), <( ) and `bash -c '…'` is read as commands too. */
function tokenize(text: string, firstLine: number): Tok[] {
  const toks: Tok[] = [];
  /** Commands inside $( ) and <( ), appended after the rest: they never sit in the middle of a command. */
  const subs: Tok[] = [];
  let line = firstLine;
  let i = 0;
  let word = '';
  let quoted = false;
  let wordLine = line;
  const flush = () => { if (word !== '') toks.push({ text: word, kind: 'word', line: wordLine, quoted }); word = ''; quoted = false; };
  const op = (o: string) => { flush(); toks.push({ text: o, kind: 'op', line, quoted: false }); };
  const inner = (start: number): number => { // after "$(" or "<(": tokens of the inside, returns index after ")"
    const end = matchParen(text, start);
    subs.push({ text: ';', kind: 'op', line, quoted: false }, ...tokenize(text.slice(start, end), line), { text: ';', kind: 'op', line, quoted: false });
    line += (text.slice(start, end).match(/\n/g) ?? []).length;
    return end + 1;
  };
  while (i < text.length) {
    const c = text[i];
    if (word === '') wordLine = line;
    if (c === '\\' && text[i + 1] === '\n') { i += 2; line++; continue; }
    if (c === '\\') { word += text.slice(i, i + 2); i += 2; continue; }
    if (c === '#' && word === '') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (c === "'") { const e = closing(text, "'", i + 1); word += text.slice(i, e + 1); quoted = true; line += (text.slice(i, e).match(/\n/g) ?? []).length; i = e + 1; continue; }
    if (c === '"') {
      let j = i + 1;
      word += '"';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') { word += text.slice(j, j + 2); j += 2; continue; }
        if (text.startsWith('$((', j)) { const e = matchParen(text, j + 2); word += text.slice(j, e + 1); j = e + 1; continue; }
        if (text.startsWith('$(', j)) { j = inner(j + 2); word += '$()'; continue; }
        if (text[j] === '\n') line++;
        word += text[j++];
      }
      word += '"';
      quoted = true;
      i = j + 1;
      continue;
    }
    if (text.startsWith('$((', i)) { const e = matchParen(text, i + 2); word += text.slice(i, e + 1); i = e + 1; continue; }
    if (text.startsWith('$(', i) || text.startsWith('<(', i)) { i = inner(i + 2); word += '$()'; continue; }
    if (text.startsWith('${', i)) { const e = closing(text, '}', i); word += text.slice(i, e + 1); i = e + 1; continue; }
    if (c === '\n') { op('\n'); line++; i++; continue; }
    if (c === ' ' || c === '\t') { flush(); i++; continue; }
    const two = text.slice(i, i + 2);
    if (two === '&&' || two === '||' || two === ';;' || two === '((') { op(two); i += 2; continue; }
    if (c === ';' || c === '|' || c === '&' || c === '(' || c === ')') {
      // 2>&1, >&2: part of a redirection word
      if (c === '&' && (word.endsWith('>') || text[i + 1] === '>')) { word += c; i++; continue; }
      op(c); i++; continue;
    }
    word += c;
    i++;
  }
  flush();
  return [...toks, ...subs];
}

/** Index of the next `ch` from `from`, or the end of the text (an unclosed quote runs to the end). */
function closing(text: string, ch: string, from: number): number {
  const e = text.indexOf(ch, from);
  return e < 0 ? text.length : e;
}

function matchParen(text: string, start: number): number {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') { i++; continue; }
    if (c === "'") { i = closing(text, "'", i + 1); continue; }
    if (c === '"') { i++; while (i < text.length && text[i] !== '"') { if (text[i] === '\\') i++; i++; } continue; }
    if (c === '(') depth++;
    if (c === ')' && --depth === 0) return i;
  }
  return text.length;
}

const unquote = (w: string) => w.replace(/^'(.*)'$/s, '$1').replace(/^"(.*)"$/s, '$1');
const isRedirect = (w: string) => /^\d*(>>?|<<<|<|&>)/.test(w);

/** The command words of a token list. */
function commandsOf(toks: Tok[], runners: Map<string, number>): ShellCommand[] {
  const out: ShellCommand[] = [];
  let expect = true;
  let inCasePatterns = false;
  let caseDepth = 0;
  let inDoubleBracket = false;
  let forHeader = false;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.kind === 'op') {
      if (t.text === ';;') { if (caseDepth > 0) inCasePatterns = true; expect = true; continue; }
      if (inCasePatterns) { if (t.text === ')') { inCasePatterns = false; expect = true; } continue; }
      if (inDoubleBracket) continue;
      if (t.text === '((') { while (i < toks.length && !(toks[i].kind === 'op' && toks[i].text === ')')) i++; i++; continue; }
      if (t.text === '\n' || t.text === ';') forHeader = false;
      if (t.text === ')' ) { expect = false; continue; }
      expect = true;
      continue;
    }
    if (inCasePatterns) { if (t.text === 'esac') { caseDepth--; inCasePatterns = false; expect = false; } continue; }
    if (inDoubleBracket) { if (t.text === ']]') inDoubleBracket = false; continue; }
    if (forHeader) continue;
    if (!expect) {
      if (t.text === 'in' && caseDepth > 0 && toks[i - 2]?.text === 'case') inCasePatterns = true;
      continue;
    }
    const w = t.text;
    if (isRedirect(w)) { if (/^\d*(>>?|<|&>)$/.test(w)) i++; continue; }
    if (/^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/.test(w)) {
      // VAR=value before a command; VAR=( … ) is an array: its words are values.
      if (w.endsWith('=') && toks[i + 1]?.kind === 'op' && toks[i + 1].text === '(') {
        while (i < toks.length && !(toks[i].kind === 'op' && toks[i].text === ')')) i++;
      }
      continue;
    }
    if (w === '[[') { inDoubleBracket = true; expect = false; continue; }
    if (w === 'case') { caseDepth++; expect = false; continue; }
    if (w === 'esac') { caseDepth--; expect = false; continue; }
    if (w === 'for' || w === 'select') { forHeader = true; expect = false; continue; }
    if (RESTARTS.has(w) || w === 'fi' || w === 'done' || w === '}') { expect = RESTARTS.has(w); continue; }
    if (w === 'function') continue;
    // `name()` of a function definition: not a command.
    if (toks[i + 1]?.text === '(' && toks[i + 2]?.text === ')') { i += 2; continue; }
    const name = t.quoted && !/^["']\$/.test(w) ? unquote(w) : w;
    out.push({ name, line: t.line });
    expect = false;
    const args = restOfCommand(toks, i + 1);
    // Wrappers run the command after their options.
    const wrap = WRAPPERS[name];
    if (wrap && !(name === 'command' && args[0]?.text === '-v')) {
      const next = afterOptions(args, wrap);
      if (next) out.push(...commandsOf([next, ...args.slice(args.indexOf(next) + 1)], runners));
    }
    if (runners.has(name)) {
      const next = args[runners.get(name)!];
      if (next) out.push(...commandsOf(args.slice(runners.get(name)!), runners));
    }
    if (name === 'find') {
      const ex = args.findIndex((a) => a.text === '-exec' || a.text === '-execdir');
      if (ex >= 0 && args[ex + 1]) out.push({ name: unquote(args[ex + 1].text), line: args[ex + 1].line });
    }
    if ((name === 'bash' || name === 'sh') && args[0]?.text === '-c' && args[1]?.quoted) {
      out.push(...commandsOf(tokenize(unquote(args[1].text), args[1].line), runners));
    }
  }
  return out;
}

/** The words of one simple command (up to the next operator). */
function restOfCommand(toks: Tok[], from: number): Tok[] {
  const out: Tok[] = [];
  for (let i = from; i < toks.length && toks[i].kind === 'word'; i++) out.push(toks[i]);
  return out;
}

function afterOptions(args: Tok[], wrap: { skipValues?: number; valueOptions?: readonly string[] }): Tok | undefined {
  let skip = wrap.skipValues ?? 0;
  for (let i = 0; i < args.length; i++) {
    const w = args[i].text;
    if (isRedirect(w)) { if (/^\d*(>>?|<|&>)$/.test(w)) i++; continue; }
    if (w.startsWith('-')) { if (wrap.valueOptions?.includes(w)) i++; continue; }
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) continue;
    if (skip > 0) { skip--; continue; }
    return args[i];
  }
  return undefined;
}
