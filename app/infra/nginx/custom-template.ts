import { BerthError } from '../../errors';
import type { AppConfView } from './app-view';
import { httpsListen, listenFor, type ResolvedOptions } from './options';

/*
 * An app may ship its own server template (`nginx.conf.njk`, as dokku's nginx.conf.sigil). It is
 * NOT rendered with nunjucks — a template engine runs code — but with plain `{{ VAR }}`
 * substitution of the variables below, all of them values berth validated. The result still
 * has to pass `nginx -t` before it is used.
 */

export const TEMPLATE_VARS = [
  'APP', 'SERVER_NAMES', 'HTTP_LISTEN', 'HTTPS_LISTEN', 'UPSTREAM', 'ACCESS_LOG', 'ACME_ROOT',
  'CLIENT_MAX_BODY_SIZE', 'PROXY_READ_TIMEOUT', 'PROXY_SEND_TIMEOUT', 'PROXY_CONNECT_TIMEOUT',
  'SSL_CERTIFICATE', 'SSL_CERTIFICATE_KEY',
] as const;

const MAX_BYTES = 64 * 1024;
const VAR = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

function bad(message: string): never {
  throw new BerthError('INVALID_NGINX_TEMPLATE', `nginx.conf.njk: ${message}`);
}

export function templateVars(view: AppConfView, opts: ResolvedOptions): Record<(typeof TEMPLATE_VARS)[number], string> {
  return {
    APP: view.app,
    SERVER_NAMES: view.serverNames,
    HTTP_LISTEN: listenFor(opts, opts.httpPort),
    HTTPS_LISTEN: httpsListen(opts),
    UPSTREAM: `berth_${view.app}`,
    ACCESS_LOG: view.settings.accessLog ? `logs/${view.app}.access.log` : 'off',
    ACME_ROOT: 'acme',
    CLIENT_MAX_BODY_SIZE: view.settings.clientMaxBodySize,
    PROXY_READ_TIMEOUT: view.settings.proxyReadTimeout,
    PROXY_SEND_TIMEOUT: view.settings.proxySendTimeout,
    PROXY_CONNECT_TIMEOUT: view.settings.proxyConnectTimeout,
    SSL_CERTIFICATE: view.tls?.cert ?? '',
    SSL_CERTIFICATE_KEY: view.tls?.key ?? '',
  };
}

/** `{{ VAR }}` substitution only; tags, comments, filters and unknown names are refused. */
export function renderCustomTemplate(template: string, vars: Readonly<Record<string, string>>): string {
  if (Buffer.byteLength(template) > MAX_BYTES) bad(`larger than ${MAX_BYTES} bytes.`);
  if (template.includes('\0')) bad('contains a NUL byte.');
  const tag = /\{%|\{#/.exec(template);
  if (tag) bad(`line ${lineOf(template, tag.index)}: only {{ VAR }} substitution is supported (no {% %} tags or {# #} comments).`);
  const out = template.replace(VAR, (match, name: string, offset: number) => {
    if (!Object.prototype.hasOwnProperty.call(vars, name)) {
      bad(`line ${lineOf(template, offset)}: unknown variable ${name}; known: ${Object.keys(vars).join(', ')}.`);
    }
    return vars[name];
  });
  const left = out.indexOf('{{');
  if (left >= 0) bad(`a "{{" that is not a {{ VAR }} substitution (filters and expressions are not supported).`);
  return out;
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}
