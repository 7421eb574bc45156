import { invalidCompose, isObject } from './compose-fields';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * compose's `${VAR}` interpolation over every value of the file (keys are left alone), with the
 * app's config vars as the only source: what `docker compose` reads from its shell environment
 * and `.env`. berth's own environment and other apps' config are never looked at, so
 * `${BERTH_ADMIN_PASSWORD}` or `${HOME}` is just an unset name here.
 *
 * `$VAR`, `${VAR}`, `${VAR:-default}` / `${VAR-default}` (unset or empty / unset only),
 * `${VAR:?message}` / `${VAR?message}`, `${VAR:+other}` / `${VAR+other}`; `$$` is a literal `$`.
 * An unset name without a default fails the build, naming it (docker compose would warn and use "").
 */
export function interpolateCompose(doc: unknown, vars: Readonly<Record<string, string>>, file: string): unknown {
  const unset: { name: string; line: string }[] = [];
  const out = walk(doc, { vars, file, unset }, '');
  // Every unset name at once, so one push shows all the config vars to set.
  if (unset.length === 1) {
    const [{ name, line }] = unset;
    throw invalidCompose(file, `${line}: set it with \`berth config:set <app> ${name}=…\` or give a default (\${${name}:-value})`);
  }
  if (unset.length > 1) throw invalidCompose(file, `config vars are not set (set each with \`berth config:set <app> NAME=…\` or give a default, \${NAME:-value}):\n${unset.map((u) => `  - ${u.line}`).join('\n')}`);
  return out;
}

interface Scope { readonly vars: Readonly<Record<string, string>>; readonly file: string; readonly unset: { name: string; line: string }[] }

function walk(doc: unknown, scope: Scope, where: string): unknown {
  if (typeof doc === 'string') return interpolate(doc, scope, where);
  if (Array.isArray(doc)) return doc.map((v, i) => walk(v, scope, `${where}[${i}]`));
  if (isObject(doc)) return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, walk(v, scope, where ? `${where}.${k}` : k)]));
  return doc;
}

// Own properties only: a name such as `constructor` is not a config var.
const lookup = (vars: Readonly<Record<string, string>>, name: string): string | undefined =>
  Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : undefined;

function interpolate(text: string, scope: Scope, where: string): string {
  const { file } = scope;
  if (!text.includes('$')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') { out += c; i++; continue; }
    const next = text[i + 1];
    if (next === '$') { out += '$'; i += 2; continue; }
    if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) throw invalidCompose(file, `${where}: "${text}" has a \${ without its closing }`);
      out += expand(text.slice(i + 2, end), scope, where, text);
      i = end + 1;
      continue;
    }
    const name = NAME.exec(text.slice(i + 1))?.[0];
    if (!name) throw invalidCompose(file, `${where}: "${text}" has a $ that starts no variable; write $$ for a literal $`);
    out += required(name, scope, where);
    i += 1 + name.length;
  }
  return out;
}

/** The index of the `}` closing the `${` whose body starts at `from` (nested `${…}` in defaults counted). */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '$') { i++; continue; }
    if (text[i] === '$' && text[i + 1] === '{') { depth++; i++; continue; }
    if (text[i] === '}') { if (depth === 0) return i; depth--; }
  }
  return -1;
}

function expand(body: string, scope: Scope, where: string, text: string): string {
  const { vars, file } = scope;
  const name = NAME.exec(body)?.[0];
  if (!name) throw invalidCompose(file, `${where}: "${text}": \${${body}} does not start with a variable name`);
  const rest = body.slice(name.length);
  if (rest === '') return required(name, scope, where);
  const m = /^(:?)([-?+])([\s\S]*)$/.exec(rest);
  if (!m) throw invalidCompose(file, `${where}: "${text}": \${${body}} is not one of \${VAR}, \${VAR:-default}, \${VAR:?message}, \${VAR:+value}`);
  const [, colon, op, arg] = m;
  const value = lookup(vars, name);
  const set = colon ? value !== undefined && value !== '' : value !== undefined;
  const argument = () => interpolate(arg, scope, where);
  if (op === '-') return set ? value! : argument();
  if (op === '+') return set ? argument() : '';
  if (set) return value!;
  // ${VAR?message}: the file's own words say what the variable is for.
  throw invalidCompose(file, `${where} needs config var ${name}${arg ? `: ${argument()}` : ''} (\${${name}} is ${value === undefined ? 'not set' : 'empty'}; set it with \`berth config:set <app> ${name}=…\`)`);
}

function required(name: string, scope: Scope, where: string): string {
  const value = lookup(scope.vars, name);
  if (value !== undefined) return value;
  scope.unset.push({ name, line: `${where} uses \${${name}}, which is not set` });
  return '';
}
