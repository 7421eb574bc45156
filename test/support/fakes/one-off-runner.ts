import { BerthError } from '../../../app/errors';
import type { OneOffRun } from '../../../app/one-off';

/** An app the fake knows: its current release's version and environment (null: never deployed). */
export interface FakeOneOffApp {
  readonly release: { readonly version: number; readonly env: Readonly<Record<string, string>> } | null;
}

interface Program { out: string; err: string; code: number | 'sleep' }

/**
 * The one-off runner port in memory, for unit tests: `apps` are the apps that exist. A command runs
 * in a small shell of its own: a list runs as it is (no shell), a string through `sh -c` with `;`,
 * `"…"` and `'…'` quoting, `$VAR` from the release's environment, `>&2`, and the programs echo,
 * printf %s, cat (stdin), sleep (until aborted) and exit N. It passes test/conformance/one-off-runner.ts,
 * as OneOffRunner on Docker does; `runs` records each run as `<app> v<version> <kind>: <command>`.
 */
export class InMemoryOneOffRunner {
  readonly apps = new Map<string, FakeOneOffApp>();
  readonly runs: string[] = [];
  /** The app's log, as `<tag> | <text>`. */
  readonly logged: string[] = [];
  /** Containers of runs in progress, by app. */
  readonly running = new Map<string, number>();
  private nextId = 1;

  async run(o: OneOffRun): Promise<number> {
    const app = this.apps.get(o.app);
    if (!app) throw new BerthError('APP_NOT_FOUND', `No app named "${o.app}"; \`berth apps:list\` shows them.`);
    const version = o.release?.version ?? app.release?.version;
    if (version === undefined || !app.release) throw new BerthError('NO_RELEASE', `${o.app} has not been deployed yet; push it first.`);
    const tag = o.tag ?? `${o.kind}.fake${this.nextId++}`;
    this.runs.push(`${o.app} v${version} ${o.kind}: ${typeof o.command === 'string' ? o.command : JSON.stringify(o.command)}`);
    this.running.set(o.app, (this.running.get(o.app) ?? 0) + 1);
    let partial = '';
    const output = (text: string): void => {
      if (!text) return;
      o.onOutput?.(Buffer.from(text));
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) this.logged.push(`${tag} | ${l}`);
    };
    try {
      const stdin = o.stdin ? await readAll(o.stdin) : '';
      const statements = typeof o.command === 'string' ? splitStatements(o.command, app.release.env) : [[...o.command]];
      for (const argv of statements) {
        const p = program(argv, stdin);
        output(p.out);
        output(p.err);
        if (p.code === 'sleep') return await untilAborted(o.signal);
        if (p.code !== 0 || argv[0] === 'exit') return p.code;
      }
      return 0;
    } finally {
      if (partial) this.logged.push(`${tag} | ${partial}`);
      this.running.set(o.app, (this.running.get(o.app) ?? 1) - 1);
    }
  }
}

function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer | string) => chunks.push(Buffer.from(c)));
    stream.once('end', () => resolve(Buffer.concat(chunks).toString()));
    stream.once('error', reject);
  });
}

/** sleep as PID 1 ignores SIGTERM: an abort ends it with docker's SIGKILL, 137. */
function untilAborted(signal: AbortSignal | undefined): Promise<number> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(137);
    signal?.addEventListener('abort', () => resolve(137), { once: true });
  });
}

/** `a; b "c d" $X >&2` → [['a'], ['b', 'c d', '<X>', '>&2']]; single quotes keep `$`. */
function splitStatements(script: string, env: Readonly<Record<string, string>>): string[][] {
  const out: string[][] = [];
  let words: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (c === quote) { quote = null; continue; }
    if (!quote && (c === '"' || c === "'")) { quote = c; word ??= ''; continue; }
    if (c === '$' && quote !== "'") {
      const name = /^[A-Za-z_]\w*/.exec(script.slice(i + 1))?.[0] ?? '';
      word = (word ?? '') + (env[name] ?? '');
      i += name.length;
      continue;
    }
    if (!quote && (c === ' ' || c === ';')) {
      if (word !== null) words.push(word);
      word = null;
      if (c === ';') { out.push(words); words = []; }
      continue;
    }
    word = (word ?? '') + c;
  }
  if (word !== null) words.push(word);
  if (words.length) out.push(words);
  return out.filter((w) => w.length > 0);
}

function program(argv: readonly string[], stdin: string): Program {
  const toErr = argv[argv.length - 1] === '>&2';
  const args = toErr ? argv.slice(0, -1) : argv;
  const said = (text: string): Program => (toErr ? { out: '', err: text, code: 0 } : { out: text, err: '', code: 0 });
  switch (args[0]) {
    case 'echo': return said(`${args.slice(1).join(' ')}\n`);
    case 'printf': return said(args[1] === '%s' ? args.slice(2).join('') : args.slice(1).join(' '));
    case 'cat': return said(stdin);
    case 'sleep': return { out: '', err: '', code: 'sleep' };
    case 'exit': return { out: '', err: '', code: Number(args[1] ?? 0) };
    default: return { out: '', err: `sh: ${args[0]}: not found\n`, code: 127 };
  }
}
