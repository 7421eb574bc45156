import { BerthError } from '../../errors';
import { TEMPLATE_VARS, renderCustomTemplate } from './custom-template';

/*
 * An app's `nginx.conf.njk`, after `{{ VAR }}` substitution, is a snippet that berth places inside
 * its own server blocks. nginx's master runs as root and opens every file a directive names while
 * it reads the config, so a snippet may only use the directives below — none of which names a
 * file or loads code — checked here, before `nginx -t` ever reads it (docs/security.md).
 * Raw server blocks are for apps an admin allowed (`nginx:set <app> raw-template true`).
 */

/** Directives allowed in the snippet, where: `s` at its top (server level), `l` in a location. */
const ALLOWED: Readonly<Record<string, 's' | 'l' | 'sl'>> = {
  add_header: 'sl', expires: 'sl', etag: 'sl', charset: 'sl', default_type: 'sl', if_modified_since: 'sl',
  gzip: 'sl', gzip_types: 'sl', gzip_min_length: 'sl', gzip_proxied: 'sl', gzip_vary: 'sl', gzip_comp_level: 'sl',
  gzip_http_version: 'sl', gzip_disable: 'sl', chunked_transfer_encoding: 'sl', keepalive_timeout: 'sl', send_timeout: 'sl',
  limit_rate: 'sl', limit_rate_after: 'sl', allow: 'sl', deny: 'sl', return: 'sl', rewrite: 'sl', client_body_buffer_size: 'sl',
  proxy_set_header: 'sl', proxy_hide_header: 'sl', proxy_pass_header: 'sl', proxy_ignore_headers: 'sl', proxy_http_version: 'sl',
  proxy_buffering: 'sl', proxy_buffer_size: 'sl', proxy_buffers: 'sl', proxy_busy_buffers_size: 'sl', proxy_request_buffering: 'sl',
  proxy_redirect: 'sl', proxy_next_upstream: 'sl', proxy_cookie_path: 'sl', proxy_cookie_domain: 'sl',
  // berth sets these in every server block: a second one at that level would be a duplicate (use nginx:set).
  client_max_body_size: 'l', proxy_read_timeout: 'l', proxy_send_timeout: 'l', proxy_connect_timeout: 'l',
  proxy_pass: 'l', internal: 'l',
};

/** Arguments that are URIs, not files: they may start with `/`. */
const URI_ARGS = new Set(['location', 'rewrite', 'return', 'proxy_redirect', 'proxy_cookie_path', 'proxy_pass']);

const SERVER_LEVEL_BY_SETTING: Readonly<Record<string, string>> = {
  client_max_body_size: 'client-max-body-size', proxy_read_timeout: 'proxy-read-timeout',
  proxy_send_timeout: 'proxy-send-timeout', proxy_connect_timeout: 'proxy-connect-timeout',
};

/** `at`/`end`: where the token starts and ends in the text (end exclusive). */
export interface Token { readonly text: string; readonly line: number; readonly quoted: boolean; readonly at: number; readonly end: number }

function bad(line: number, message: string): never {
  throw new BerthError('INVALID_NGINX_TEMPLATE', `nginx.conf.njk line ${line}: ${message}`);
}

/** nginx's lexer, as far as a snippet needs: words, quoted strings, `;`, `{`, `}` and # comments. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') { line++; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (c === '#') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (c === ';' || c === '{' || c === '}') { out.push({ text: c, line, quoted: false, at: i, end: i + 1 }); i++; continue; }
    if (c === '"' || c === "'") {
      const start = line;
      const at = i;
      let word = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) { word += text[i + 1]; i += 2; continue; }
        if (text[i] === '\n') line++;
        word += text[i++];
      }
      if (i >= text.length) bad(start, 'a quoted string is not closed.');
      i++;
      out.push({ text: word, line: start, quoted: true, at, end: i });
      continue;
    }
    let word = '';
    const at = i;
    while (i < text.length && !/[\s;{}]/.test(text[i])) {
      // `${name}` is a variable inside a word, not a block.
      if (text[i] === '$' && text[i + 1] === '{') {
        const close = text.indexOf('}', i);
        if (close < 0 || /[\s;]/.test(text.slice(i, close))) bad(line, 'a "${" variable is not closed.');
        word += text.slice(i, close + 1);
        i = close + 1;
        continue;
      }
      word += text[i++];
    }
    out.push({ text: word, line, quoted: false, at, end: i });
  }
  return out;
}

/** True when the template is a raw server block (top-level `server {`), which needs an admin's consent. */
export function isRawTemplate(text: string): boolean {
  const tokens = tokenize(text);
  return tokens.some((t, i) => !t.quoted && t.text === 'server' && (i === 0 || [';', '}'].includes(tokens[i - 1].text)) && tokens[i + 1]?.text === '{');
}

/**
 * Checks a snippet: only allowed directives, at their level; `location` blocks (not `location /`,
 * which is berth's); `proxy_pass` only to the app's own upstream; no argument that is an absolute
 * path except a URI. Throws INVALID_NGINX_TEMPLATE naming the line.
 */
export function checkSnippet(text: string, o: { app: string }): void {
  const tokens = tokenize(text);
  let i = 0;
  const statements = (depth: number): void => {
    while (i < tokens.length) {
      const head = tokens[i];
      if (head.text === '}' && !head.quoted) {
        if (depth === 0) bad(head.line, 'a "}" closes nothing.');
        i++;
        return;
      }
      if ([';', '{'].includes(head.text) && !head.quoted) bad(head.line, `"${head.text}" where a directive name should be.`);
      const name = head.text;
      const args: Token[] = [];
      i++;
      while (i < tokens.length && !(!tokens[i].quoted && [';', '{', '}'].includes(tokens[i].text))) args.push(tokens[i++]);
      const end = tokens[i];
      if (!end || end.text === '}') bad(head.line, `"${name}" does not end with ";".`);
      checkDirective(name, args, head.line, depth, end.text === '{', o);
      i++;
      if (end.text === '{') {
        statements(depth + 1);
        if (i > tokens.length || (tokens[i - 1]?.text !== '}')) bad(head.line, `the block of "${name}" is not closed.`);
      }
    }
    if (depth > 0) bad(tokens[tokens.length - 1]?.line ?? 1, 'a block is not closed.');
  };
  statements(0);
}

function checkDirective(name: string, args: Token[], line: number, depth: number, block: boolean, o: { app: string }): void {
  if (name === 'server' && depth === 0) {
    bad(line, 'a server block replaces berth\'s own; only an admin can allow that (`berth nginx:set <app> raw-template true`). Otherwise write location-level directives, which berth puts inside its server block.');
  }
  if (name === 'location') {
    if (!block) bad(line, '"location" needs a { } block.');
    if (args.length < 1 || args.length > 2) bad(line, '"location" takes an optional modifier (=, ~, ~*, ^~) and a URI.');
    if (args.length === 2 && !['=', '~', '~*', '^~'].includes(args[0].text)) bad(line, `"${args[0].text}" is not a location modifier (=, ~, ~*, ^~).`);
    if (depth === 0 && args.length === 1 && args[0].text === '/') bad(line, '"location /" is berth\'s own (it proxies to the app); use directives at the top of the file or a more specific location.');
    return;
  }
  const where = ALLOWED[name];
  if (!where) {
    bad(line, `"${name}" is not allowed in an app's nginx.conf.njk (nginx reads the config as root; directives that name files or load code are refused). Allowed: location, ${Object.keys(ALLOWED).join(', ')}.`);
  }
  if (block) bad(line, `"${name}" cannot have a block; only "location" can.`);
  if (depth === 0 && !where.includes('s')) {
    const setting = SERVER_LEVEL_BY_SETTING[name];
    bad(line, setting ? `"${name}" at the top level duplicates berth's own; use \`berth nginx:set <app> ${setting} <value>\`, or put it in a location.` : `"${name}" belongs in a location block.`);
  }
  for (const a of args) {
    if (a.text.startsWith('/') && !URI_ARGS.has(name)) bad(line, `"${name}" with the absolute path ${a.text}: an app's snippet names no files.`);
  }
  if (name === 'proxy_pass') {
    const target = args.length === 1 ? args[0].text : '';
    // berth_<app>, or berth_<app>_<port> with port mappings; app names have no "_".
    if (!new RegExp(`^http://berth_${o.app}(_[0-9]{1,5})?(/[^\\s]*)?$`).test(target)) {
      bad(line, `proxy_pass goes only to the app's own upstream: http://{{ UPSTREAM }} (optionally with a path).`);
    }
  }
}

/**
 * The whole check of an app's nginx.conf.njk that needs no running route: substitution with
 * placeholder values, then the snippet rules unless an admin allowed raw server blocks. A push
 * runs it before building, so a refused template fails in a second, not after the build.
 */
export function checkAppTemplate(template: string, o: { app: string; raw: boolean }): void {
  const vars: Record<string, string> = Object.fromEntries(TEMPLATE_VARS.map((v) => [v, 'berth-placeholder']));
  vars.APP = o.app;
  vars.UPSTREAM = `berth_${o.app}`;
  const rendered = renderCustomTemplate(template, vars);
  if (!o.raw) checkSnippet(rendered, { app: o.app });
}
