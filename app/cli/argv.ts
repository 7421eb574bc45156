import { CliError, usageError } from './cli-error';
import type { OptionSpec, ParsedArgs, Verb } from './types';

/** Options every verb accepts; shown once in `berth help`. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { name: 'json', summary: 'Print the raw JSON the API returned (errors as {"error":{code,message}} on stderr).' },
  { name: 'help', short: 'h', summary: 'Show the verb\'s usage.' },
];

/** The words after the verb, checked against the verb's args and options. Throws USAGE errors. */
export function parseArgv(verb: Verb, tokens: readonly string[]): ParsedArgs {
  const all = [...verb.options, ...GLOBAL_OPTIONS];
  const options: Record<string, string | true> = {};
  const words: string[] = [];
  let onlyWords = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (onlyWords || t === '-' || !t.startsWith('-')) { words.push(t); continue; }
    if (t === '--') { onlyWords = true; continue; }
    const long = /^--([^=]+)(?:=(.*))?$/s.exec(t);
    const short = long ? null : /^-([A-Za-z])(.*)$/s.exec(t);
    const spec = long ? all.find((o) => o.name === long[1]) : all.find((o) => o.short === short?.[1]);
    if (!spec) throw usageError(`unknown option ${long ? `--${long[1]}` : t} for ${verb.name}`, verb.usage);
    const inline = long ? long[2] : short?.[2] || undefined;
    if (!spec.value) {
      if (inline !== undefined) throw usageError(`--${spec.name} takes no value`, verb.usage);
      options[spec.name] = true;
      continue;
    }
    const value = inline ?? tokens[++i];
    if (value === undefined) throw usageError(`--${spec.name} needs a value (${spec.value})`, verb.usage);
    options[spec.name] = value;
  }
  const help = options.help === true;
  const json = options.json === true;
  if (help) return { positional: {}, rest: [], options, json, help };

  const positional: Record<string, string> = {};
  let rest: string[] = [];
  let w = 0;
  for (const arg of verb.args) {
    if (arg.variadic) { rest = words.slice(w); w = words.length; if (!rest.length && !arg.optional) throw missing(verb, arg.name); continue; }
    if (w < words.length) positional[arg.name] = words[w++];
    else if (!arg.optional) throw missing(verb, arg.name);
  }
  if (w < words.length) throw usageError(`unexpected argument "${words[w]}" for ${verb.name}`, verb.usage);
  return { positional, rest, options, json, help };
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
