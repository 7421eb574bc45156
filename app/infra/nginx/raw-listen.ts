import { BerthError } from '../../errors';
import { tokenize } from './template-snippet';

/**
 * `listen` in an app's raw server blocks (`raw-template`, set by an admin; the app's developers
 * still push the template). nginx binds whatever a listen line names, as root, and one port it
 * cannot bind fails every app's reload; so a raw block may listen only where berth would put this
 * app itself: the router's HTTP port (shared by name, no parameters: they would change the socket
 * every app shares), its HTTPS port with `ssl`, and the app's own mapped host ports — never another
 * address, a unix socket, berth's own ports or another app's. A server block without `listen` is
 * refused too: nginx would bind port 80 of every address for it.
 */
export interface RawListens {
  readonly app: string;
  /** The router's HTTP and HTTPS listen values ({{ HTTP_LISTEN }}, {{ HTTPS_LISTEN }}). */
  readonly http: string;
  readonly https: string;
  /** Listen values of the app's own mapped host ports that nginx may bind now. */
  readonly own: readonly string[];
}

const OWN_PARAMS = new Set(['ssl', 'http2']);

function bad(line: number, message: string): never {
  throw new BerthError('INVALID_NGINX_TEMPLATE', `nginx.conf.njk line ${line}: ${message}`);
}

export function checkRawListens(text: string, o: RawListens): void {
  const tokens = tokenize(text);
  const first = `{{ HTTP_LISTEN }} (${o.http})`;
  const where = `${first}, {{ HTTPS_LISTEN }} ssl (${o.https} ssl)${o.own.length > 0 ? ` or ${o.app}'s own host ports (${o.own.join(', ')})` : ''}`;
  let depth = 0;
  let server: { line: number; listens: number } | null = null;
  let i = 0;
  while (i < tokens.length) {
    const head = tokens[i];
    if (!head.quoted && head.text === '}') {
      depth--;
      if (depth === 0 && server) {
        if (server.listens === 0) bad(server.line, `a server block without "listen" makes nginx listen on port 80 of every address; give it listen ${first}.`);
        server = null;
      }
      i++;
      continue;
    }
    if (!head.quoted && head.text === ';') { i++; continue; }
    if (!head.quoted && head.text === '{') bad(head.line, 'a "{" where a directive name should be.');
    const args: typeof tokens = [];
    i++;
    while (i < tokens.length && !(!tokens[i].quoted && [';', '{', '}'].includes(tokens[i].text))) args.push(tokens[i++]);
    const end = tokens[i];
    if (end?.text === '{' && !end.quoted) {
      if (depth === 0 && head.text === 'server') server = { line: head.line, listens: 0 };
      depth++;
      i++;
      continue;
    }
    if (end?.text === ';' && !end.quoted) i++;
    if (head.text !== 'listen') continue;
    if (server) server.listens++;
    const [address, ...params] = args.map((a) => a.text);
    const shown = args.map((a) => a.text).join(' ');
    if (address === o.http) {
      if (params.length > 0) bad(head.line, `listen ${shown}: the router's HTTP port is shared by every app; listen on it without parameters.`);
    } else if (address === o.https) {
      if (!params.includes('ssl') || params.some((p) => !OWN_PARAMS.has(p))) bad(head.line, `listen ${shown}: the router's HTTPS port is shared by every app; listen on it with ssl (and http2) only.`);
    } else if (address !== undefined && o.own.includes(address)) {
      const other = params.find((p) => !OWN_PARAMS.has(p));
      if (other) bad(head.line, `listen ${shown}: "${other}" is not allowed; ssl and http2 are.`);
    } else {
      bad(head.line, `listen ${shown || '(nothing)'}: not an address berth gives ${o.app}. A raw server block listens on ${where}.`);
    }
  }
}
