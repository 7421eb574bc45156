import { parseArgs } from 'node:util';
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

type ParseArgsOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** node:util's parseArgs configuration for the verb's options and the global ones (the verb's own win a clash). */
function parseArgsConfig(all: readonly OptionSpec[]): ParseArgsOptions {
  const config: NonNullable<ParseArgsOptions> = {};
  for (const o of all) config[o.name] ??= { type: o.value ? 'string' : 'boolean' };
  // A letter stands for the first option that has it (events' own --app still answers to -a).
  const lettered = new Set<string>();
  for (const o of all) {
    if (!o.short || lettered.has(o.short)) continue;
    lettered.add(o.short);
    config[o.name] = { ...config[o.name]!, short: o.short };
  }
  return config;
}

/**
 * The words after the verb, checked against the verb's args and options. Throws USAGE errors.
 * node:util's parseArgs reads the options (`--x v`, `--x=v`, `-n v`, `-nV`, `--`); berth's rules sit on
 * its tokens: a raw or literal variadic argument takes the words from its place on as they are, a
 * report verb's undeclared `--<property>` names a value, and the errors name the verb's usage.
 */
export function parseArgv(verb: Verb, tokens: readonly string[], inferApp: () => string | null = () => null): ParsedArgs {
  const all = [...verb.options, ...GLOBAL_OPTIONS];
  const options: Record<string, string | true> = {};
  const words: string[] = [];
  let property: string | undefined;
  // The index of a raw variadic argument: from its first word on, nothing is an option.
  const rawAt = verb.args.findIndex((a) => a.raw);
  // A `literal` variadic argument takes every word from its position on as is, even its first
  // (docker options start with --).
  const literalAt = verb.args.findIndex((a) => a.literal);
  const read = parseArgs({ args: [...tokens], options: parseArgsConfig(all), strict: false, allowPositionals: true, tokens: true }).tokens;
  // --app given in place of an app verb's first argument counts as that argument.
  const shift = () => (typeof options.app === 'string' && verb.args[0]?.name === 'app' && !verb.options.some((o) => o.name === 'app') ? 1 : 0);
  for (const t of read) {
    if (literalAt >= 0 && words.length + shift() >= literalAt) { words.push(...tokens.slice(t.index)); break; }
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') {
      words.push(t.value);
      if (rawAt >= 0 && words.length + shift() > rawAt) { words.push(...tokens.slice(t.index + 1)); break; }
      continue;
    }
    const spec = all.find((o) => o.name === t.name);
    const long = t.rawName.startsWith('--');
    if (!spec && long && !t.inlineValue && verb.properties && property === undefined) { property = t.name; continue; }
    if (!spec) throw usageError(`unknown option ${long ? `--${t.name}` : t.rawName} for ${verb.name}`, verb.usage);
    if (!spec.value) {
      if (t.inlineValue) throw usageError(`--${spec.name} takes no value`, verb.usage);
      options[spec.name] = true;
      continue;
    }
    if (t.value === undefined) throw usageError(`--${spec.name} needs a value (${spec.value})`, verb.usage);
    const before = options[spec.name];
    options[spec.name] = spec.repeatable && typeof before === 'string' ? `${before}\0${t.value}` : t.value;
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
