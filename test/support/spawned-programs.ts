import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { shellCommands } from './shell-commands';

/** One program a source file starts on this host, and where. */
export interface SpawnSite {
  readonly program: string;
  readonly file: string;
  readonly line: number;
  /** Named as a command word of a shell script (so a bash builtin of that name is no program). */
  readonly viaShell: boolean;
}

/** A child_process call whose program the reader could not name (a variable, an option). */
export interface UnnamedSite {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

const CHILD_PROCESS_CALLS = new Set(['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync', 'fork']);
/** exec/execSync take a shell command line, the others a program. */
const SHELL_LINE_CALLS = new Set(['exec', 'execSync']);

/**
 * Programs started through node's child_process in one TypeScript/JavaScript file. Only calls of
 * functions imported from child_process count (engine.exec runs in a container; RegExp#exec is
 * not a program). The first argument is read when it is a literal, `x ?? 'literal'`,
 * process.execPath (node), or a parameter of a local wrapper whose calls pass literals. bash -c
 * and sh -c scripts are read as shell; `unshare`/`nsenter` … `program` name their program as
 * a literal further on, which is read too.
 */
export function spawnsInSource(file: string, text: string): { sites: SpawnSite[]; unnamed: UnnamedSite[] } {
  const sites: SpawnSite[] = [];
  const unnamed: UnnamedSite[] = [];
  if (!/child_process/.test(text)) return { sites, unnamed };
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const lineOf = (n: ts.Node) => src.getLineAndCharacterOfPosition(n.getStart(src)).line + 1;
  const add = (program: string, n: ts.Node, viaShell = false) => sites.push({ program: path.basename(program), file, line: lineOf(n), viaShell });

  const isChildProcessCall = (call: ts.CallExpression): string | null => {
    const callee = call.expression;
    if (ts.isIdentifier(callee) && CHILD_PROCESS_CALLS.has(callee.text)) return callee.text;
    if (ts.isPropertyAccessExpression(callee) && CHILD_PROCESS_CALLS.has(callee.name.text)
      && ts.isIdentifier(callee.expression) && /^(cp|childProcess|child_process)$/.test(callee.expression.text)) return callee.name.text;
    return null;
  };

  /** Literal values an expression can have here, or null when it cannot be named. */
  const literals = (e: ts.Expression, seen: Set<ts.Node>): string[] | null => {
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [e.text];
    if (ts.isParenthesizedExpression(e)) return literals(e.expression, seen);
    if (ts.isPropertyAccessExpression(e) && e.getText(src) === 'process.execPath') return ['node'];
    if (ts.isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || e.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
      return literals(e.right, seen); // `o.bin ?? 'docker-registry'`: the default is the program berth ships with
    }
    if (ts.isIdentifier(e)) return fromWrapperParameter(e, seen);
    return null;
  };

  /** `const run = (cmd, args) => spawnSync(cmd, …)`: the literals every call of `run` passes. */
  const fromWrapperParameter = (id: ts.Identifier, seen: Set<ts.Node>): string[] | null => {
    // The innermost enclosing function that has a parameter of this name.
    let fn: ts.Node | undefined = id.parent;
    let index = -1;
    for (; fn; fn = fn.parent) {
      if (!ts.isFunctionLike(fn)) continue;
      index = (fn as ts.SignatureDeclaration).parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === id.text);
      if (index >= 0) break;
    }
    if (!fn || index < 0 || seen.has(fn)) return null;
    const name = ts.isFunctionDeclaration(fn) ? fn.name?.text
      : fn.parent && ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name) ? fn.parent.name.text : undefined;
    if (!name) return null;
    const out: string[] = [];
    let ok = true;
    let calls = 0;
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === name) {
        calls++;
        const arg = n.arguments[index];
        const got = arg ? literals(arg, new Set([...seen, fn!])) : null;
        if (got) out.push(...got); else ok = false;
      }
      ts.forEachChild(n, visit);
    };
    visit(src);
    return ok && calls > 0 ? out : null;
  };

  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const kind = isChildProcessCall(n);
      if (kind === 'fork') add('node', n);
      else if (kind && n.arguments[0]) {
        const first = n.arguments[0];
        const names = literals(first, new Set());
        if (!names) unnamed.push({ file, line: lineOf(n), text: n.getText(src).slice(0, 120) });
        for (const name of names ?? []) {
          if (SHELL_LINE_CALLS.has(kind)) { for (const c of shellCommands(name)) add(c.name, n, true); continue; }
          add(name, n);
          const args = n.arguments[1];
          if (args && ts.isArrayLiteralExpression(args)) readArgs(name, args.elements, n);
        }
      }
    }
    ts.forEachChild(n, visit);
  };

  /** Programs named in the arguments: `bash -c '<script>'`, `unshare … nsenter … dockerd`. */
  const readArgs = (program: string, elements: ts.NodeArray<ts.Expression>, at: ts.Node): void => {
    // Literal words; a template like `--net=${ns}` keeps its literal head so it still reads as an option.
    const words = elements.map((e) => (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) ? e.text
      : ts.isTemplateExpression(e) && e.head.text.startsWith('-') ? e.head.text : null));
    const base = path.basename(program);
    if ((base === 'bash' || base === 'sh') && words[0] === '-c' && words[1]) {
      for (const c of shellCommands(words[1])) add(c.name, at, true);
      return;
    }
    if (base === 'ip') {
      const ex = words.indexOf('exec'); // `ip netns exec <ns> program …`
      if (words[0] === 'netns' && ex >= 0) readCommand(words, elements, ex + 2, at);
    }
    if (base === 'unshare' || base === 'nsenter') readCommand(words, elements, 0, at);
  };

  /** `[options] program args…` from index i; wrappers (nsenter, unshare, sh -c '… "$@"' $0 …) followed through. */
  const readCommand = (words: (string | null)[], elements: ts.NodeArray<ts.Expression>, i: number, at: ts.Node): void => {
    while (i < words.length && words[i]?.startsWith('-')) i++;
    if (i >= words.length) return;
    const w = words[i];
    if (w === null) {
      if (elements[i].getText(src) === 'process.execPath') add('node', at);
      return;
    }
    add(w, at);
    if (w === 'unshare' || w === 'nsenter') readCommand(words, elements, i + 1, at);
    if ((w === 'sh' || w === 'bash') && words[i + 1] === '-c' && words[i + 2]) {
      for (const c of shellCommands(words[i + 2]!)) add(c.name, at, true);
      if (words[i + 2]!.includes('"$@"')) readCommand(words, elements, i + 4, at); // after $0
    }
  };

  visit(src);
  return { sites, unnamed };
}

/** Programs a shell script runs, as spawn sites. */
export function spawnsInShell(file: string, text: string): SpawnSite[] {
  return shellCommands(text).map((c) => ({ program: path.basename(c.name), file, line: c.line, viaShell: true }));
}

/**
 * Every file of the repository that runs on this host and may start programs: TypeScript and
 * JavaScript under app/, plugins/, buildpacks/, deploy/, test/ and bin/, and the bash scripts there
 * and in .ci/. Not: what runs inside containers (test/fixtures, a plugin's image/ folder).
 */
export function hostSourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (['node_modules', 'dist', 'fixtures', 'image'].includes(e.name)) continue;
        walk(rel);
      } else if (e.isFile() && /\.(ts|js|sh)$|^run$|^berth$/.test(e.name) && !rel.endsWith('.d.ts')) {
        out.push(rel);
      }
    }
  };
  for (const d of ['app', 'plugins', 'buildpacks', 'deploy', 'test', 'bin', '.ci', 'examples']) {
    if (fs.existsSync(path.join(root, d))) walk(d);
  }
  return out.sort();
}

/** All spawn sites of the repository, and the calls whose program could not be read. */
export function scanRepository(root: string): { sites: SpawnSite[]; unnamed: UnnamedSite[] } {
  const sites: SpawnSite[] = [];
  const unnamed: UnnamedSite[] = [];
  for (const file of hostSourceFiles(root)) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const shebang = /^#!.*\b(bash|sh)\b/.test(text);
    if (file.endsWith('.sh') || (shebang && !/\.(ts|js)$/.test(file))) {
      sites.push(...spawnsInShell(file, text));
    } else {
      const r = spawnsInSource(file, text);
      sites.push(...r.sites);
      unnamed.push(...r.unnamed);
    }
  }
  return { sites, unnamed };
}
