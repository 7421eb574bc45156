import { CliError, usageError } from './cli-error';
import type { OptionSpec, ParsedArgs, Verb } from './types';

/** Options every verb accepts; shown once in `berth help`. The dokku ones let dokku's scripts run unchanged. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { name: 'json', summary: 'Print the raw JSON the API returned (errors as {"error":{code,message}} on stderr).' },
  { name: 'format', value: 'json|stdout', summary: 'dokku\'s spelling: --format json is --json.' },
  { name: 'help', short: 'h', summary: 'Show the verb\'s usage.' },
  { name: 'quiet', summary: 'Leave out the `----->`/`=====>` lines and notes (dokku\'s --quiet).' },
  { name: 'app', short: 'a', value: '<app>', summary: 'The app, instead of naming it as the first argument (dokku\'s --app, Heroku\'s -a). Without either, an app verb missing its app takes it from the current repo\'s `paas` remote.' },
  { name: 'force', summary: 'Do not ask for confirmation (dokku\'s meaning; verbs that ask take it).' },
  { name: 'global', summary: 'For every app where dokku has a global setting: domains:* (the -global verbs).' },
  { name: 'all', summary: 'Every app, one after the other: ps:restart, ps:stop, ps:start, ps:rebuild, proxy:enable, proxy:disable.' },
  { name: 'trace', summary: 'Accepted for dokku\'s scripts; berth prints no shell trace.' },
];

/** Words that stand before the verb in dokku (`dokku --app web config:show`) and may in berth too. */
export const LEADING_FLAGS: Readonly<Record<string, 'flag' | 'value'>> = { '--quiet': 'flag', '--trace': 'flag', '--force': 'flag', '--json': 'flag', '--app': 'value' };

/** The words after the verb, checked against the verb's args and options. Throws USAGE errors. */
export function parseArgv(verb: Verb, tokens: readonly string[], inferApp: () => string | null = () => null): ParsedArgs {
  const all = [...verb.options, ...GLOBAL_OPTIONS];
  const options: Record<string, string | true> = {};
  const words: string[] = [];
  let property: string | undefined;
  let onlyWords = false;
  // The index of a raw variadic argument: from its first word on, nothing is an option.
  const rawAt = verb.args.findIndex((a) => a.raw);
  // A `literal` variadic argument takes every word from its position on as is, even its first
  // (docker options start with --).
  const literalAt = verb.args.findIndex((a) => a.literal);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const shift = typeof options.app === 'string' && verb.args[0]?.name === 'app' && !verb.options.some((o) => o.name === 'app') ? 1 : 0;
    if (literalAt >= 0 && words.length + shift >= literalAt) onlyWords = true;
    if (onlyWords || t === '-' || !t.startsWith('-')) {
      words.push(t);
      if (rawAt >= 0 && words.length + shift > rawAt) onlyWords = true;
      continue;
    }
    if (t === '--') { onlyWords = true; continue; }
    const long = /^--([^=]+)(?:=(.*))?$/s.exec(t);
    const short = long ? null : /^-([A-Za-z])(.*)$/s.exec(t);
    const spec = long ? all.find((o) => o.name === long[1]) : all.find((o) => o.short === short?.[1]);
    if (!spec && long && long[2] === undefined && verb.properties && property === undefined) { property = long[1]; continue; }
    if (!spec) throw usageError(`unknown option ${long ? `--${long[1]}` : t} for ${verb.name}`, verb.usage);
    const inline = long ? long[2] : short?.[2] || undefined;
    if (!spec.value) {
      if (inline !== undefined) throw usageError(`--${spec.name} takes no value`, verb.usage);
      options[spec.name] = true;
      continue;
    }
    const value = inline ?? tokens[++i];
    if (value === undefined) throw usageError(`--${spec.name} needs a value (${spec.value})`, verb.usage);
    const before = options[spec.name];
    options[spec.name] = spec.repeatable && typeof before === 'string' ? `${before}\0${value}` : value;
  }
  const help = options.help === true;
  if (options.format !== undefined && options.format !== 'json' && options.format !== 'stdout') {
    throw usageError(`--format is json or stdout, not "${String(options.format)}"`, verb.usage);
  }
  const json = options.json === true || options.format === 'json';
  const quiet = options.quiet === true;
  if (help) return { positional: {}, rest: [], options, json, help, quiet };
  if (typeof options.app === 'string' && !verb.options.some((o) => o.name === 'app')) {
    if (verb.args[0]?.name !== 'app') throw usageError(`${verb.name} takes no app, so not --app`, verb.usage);
    words.unshift(options.app);
  } else if (verb.args[0]?.name === 'app' && !verb.options.some((o) => o.name === 'app') && words.length < verb.args.filter((a) => !a.optional).length) {
    // Fewer words than the verb needs: the app is the one left out (Heroku's rule, from the `paas` remote).
    const app = inferApp();
    if (app !== null) words.unshift(app);
  }

  const positional: Record<string, string> = {};
  let rest: string[] = [];
  let w = 0;
  for (const arg of verb.args) {
    if (arg.variadic) { rest = words.slice(w); w = words.length; if (!rest.length && !arg.optional) throw missing(verb, arg.name); continue; }
    if (w < words.length) positional[arg.name] = words[w++];
    else if (!arg.optional) throw missing(verb, arg.name);
  }
  if (w < words.length) throw usageError(`unexpected argument "${words[w]}" for ${verb.name}`, verb.usage);
  return { positional, rest, options, json, help, quiet, ...(property === undefined ? {} : { property }) };
}

const missing = (verb: Verb, name: string): CliError => usageError(`${verb.name} needs <${name}>`, verb.usage);

/**
 * `KEY=VALUE` split at the first `=`, so the value may hold `=` and anything else the shell
 * passed through (quotes the shell did not strip stay part of the value).
 */
export function parseAssignment(word: string): { key: string; value: string } {
  const eq = word.indexOf('=');
  if (eq <= 0) throw new CliError('USAGE', `"${word}" is not KEY=VALUE`, { hint: 'Quote values with spaces: berth config:set <app> "GREETING=hello world"' });
  return { key: word.slice(0, eq), value: word.slice(eq + 1) };
}

/** A positive whole number from an option, or the default. */
export function positiveIntOption(value: string | true | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value === true || !Number.isInteger(n) || n < 1) throw new CliError('USAGE', `--${name} must be a positive whole number`);
  return n;
}

/** The values of a repeatable option, in the order given. */
export function repeated(value: string | true | undefined): string[] {
  return typeof value === 'string' ? value.split('\0') : [];
}
