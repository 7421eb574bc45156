import path from 'node:path';
import { BerthError } from '../../errors';
import { validateBodySize, validateHostname, validateIPv4, validatePort } from './validate';

export interface NginxRouterOptions {
  /** Holds nginx.conf, apps/, pages/, logs/, tmp/, nginx.pid. Absolute or relative to cwd. */
  readonly dir: string;
  /** The nginx binary, e.g. /usr/sbin/nginx. */
  readonly nginxBin: string;
  readonly httpPort: number;
  /** TLS listener: app HTTPS servers (SNI) and a catch-all server with a self-signed certificate. */
  readonly httpsPort: number;
  /** IPv4 address to listen on; default: all IPv4 addresses. */
  readonly listenAddress?: string;
  /** BERTH_DOMAIN: an app without domains is served at `<app>.<domain>`. */
  readonly domain: string;
  /** nginx client_max_body_size for every app; default `100m`. */
  readonly clientMaxBodySize?: string;
  /** How long to wait for nginx to start, reload or quit; default 15000 ms. */
  readonly timeoutMs?: number;
  /** The openssl binary, used once to make the catch-all server's self-signed certificate; default `openssl`. */
  readonly opensslBin?: string;
  /** Route changes arriving within this many ms of each other share one check and reload (10). */
  readonly batchDelayMs?: number;
  /** After a SIGHUP reload (the master could not be replaced), this many ms without one replace it by a fresh one, to give back its memory (3000). */
  readonly refreshIdleMs?: number;
}

export interface ResolvedOptions {
  readonly dir: string;
  readonly nginxBin: string;
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly listenAddress: string | undefined;
  readonly domain: string;
  readonly clientMaxBodySize: string;
  readonly timeoutMs: number;
  readonly opensslBin: string;
  readonly batchDelayMs: number;
  readonly refreshIdleMs: number;
}

/** Validates once at construction, so a bad setting fails at boot rather than at first deploy. */
export function resolveOptions(o: NginxRouterOptions): ResolvedOptions {
  try {
    if (typeof o.dir !== 'string' || o.dir === '') throw new BerthError('INVALID_INPUT', 'nginx dir is required.');
    if (typeof o.nginxBin !== 'string' || o.nginxBin === '') throw new BerthError('INVALID_INPUT', 'nginxBin is required.');
    return Object.freeze({
      dir: path.resolve(o.dir),
      nginxBin: o.nginxBin,
      httpPort: validatePort(o.httpPort, 'httpPort'),
      httpsPort: validatePort(o.httpsPort, 'httpsPort'),
      listenAddress: o.listenAddress === undefined ? undefined : validateIPv4(o.listenAddress, 'listenAddress'),
      domain: validateHostname(o.domain),
      clientMaxBodySize: validateBodySize(o.clientMaxBodySize ?? '100m'),
      timeoutMs: o.timeoutMs ?? 15_000,
      opensslBin: o.opensslBin ?? 'openssl',
      batchDelayMs: o.batchDelayMs ?? 10,
      refreshIdleMs: o.refreshIdleMs ?? 3000,
    });
  } catch (e) {
    if (e instanceof BerthError) throw new BerthError('INVALID_CONFIG', `nginx router: ${e.message}`, { cause: e });
    throw e;
  }
}

/** The value of nginx's `listen` directive for plain HTTP. */
export function httpListen(o: ResolvedOptions): string {
  return o.listenAddress ? `${o.listenAddress}:${o.httpPort}` : String(o.httpPort);
}

/** The value of nginx's `listen` directive for a port (80 and 443 mean the router's own ports). */
export function listenFor(o: ResolvedOptions, port: number): string {
  return o.listenAddress ? `${o.listenAddress}:${port}` : String(port);
}

/** The value of nginx's `listen` directive for TLS (without the `ssl` flag). */
export function httpsListen(o: ResolvedOptions): string {
  return listenFor(o, o.httpsPort);
}
