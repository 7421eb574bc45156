import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError } from './cli-error';

export interface Credentials {
  readonly host: string;
  readonly token: string;
  /** PEM file of the CA that signed berth's certificate (self-signed or private CA); absent: the system's CAs. */
  readonly caFile?: string;
}

/** The config file: one entry per berth (a named remote) and the one used when none is named. */
interface StoredConfig {
  current: string;
  remotes: Record<string, Credentials>;
}

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_HOST = 'http://127.0.0.1:8380';
export const DEFAULT_REMOTE = 'default';
const REMOTE_NAME = /^[a-z0-9][a-z0-9._-]{0,39}$/;

/** `$XDG_CONFIG_HOME/berth/config.json`, else `~/.config/berth/config.json`. */
export function credentialsPath(env: Env): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'berth', 'config.json');
}

/** `http://h:1/` → `http://h:1`; refuses anything but an http(s) URL. */
export function normalizeHost(host: string): string {
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(host) ? host : `http://${host}`);
  } catch {
    throw new CliError('USAGE', `"${host}" is not a URL: use e.g. ${DEFAULT_HOST}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError('USAGE', `"${host}" is not an http(s) URL`);
  return url.toString().replace(/\/+$/, '');
}

export function checkRemoteName(name: string): string {
  if (!REMOTE_NAME.test(name)) throw new CliError('USAGE', `"${name}" is not a remote name: 1–40 lowercase letters, digits, . _ -`);
  return name;
}

/** The stored file, in today's shape; the older `{host, token}` file is read as the remote "default". */
export function readConfig(env: Env): StoredConfig {
  const file = credentialsPath(env);
  if (!fs.existsSync(file)) return { current: DEFAULT_REMOTE, remotes: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliError('BAD_CONFIG', `${file} is not valid JSON (${(e as Error).message}); run \`berth login\` again`);
  }
  const o = (raw ?? {}) as Partial<StoredConfig> & Partial<Credentials>;
  if (o.remotes && typeof o.remotes === 'object') return { current: typeof o.current === 'string' ? o.current : DEFAULT_REMOTE, remotes: o.remotes };
  if (typeof o.host === 'string' && typeof o.token === 'string') return { current: DEFAULT_REMOTE, remotes: { [DEFAULT_REMOTE]: { host: o.host, token: o.token } } };
  return { current: DEFAULT_REMOTE, remotes: {} };
}

/**
 * The credentials to use: the remote BERTH_REMOTE names (else the current one), each field
 * overridden by BERTH_URL / BERTH_TOKEN / BERTH_CA_FILE.
 */
export function loadCredentials(env: Env): Credentials {
  const config = env.BERTH_URL && env.BERTH_TOKEN ? null : readConfig(env);
  const name = env.BERTH_REMOTE || config?.current || DEFAULT_REMOTE;
  const stored: Partial<Credentials> = config?.remotes[name] ?? {};
  if (env.BERTH_REMOTE && config && !config.remotes[env.BERTH_REMOTE]) {
    throw new CliError('NOT_LOGGED_IN', `no remote "${name}": \`berth remotes\` lists them; add it with \`berth login <url> --remote ${name}\``);
  }
  const host = env.BERTH_URL || stored.host;
  const token = env.BERTH_TOKEN || stored.token;
  if (!host || !token) {
    throw new CliError('NOT_LOGGED_IN', 'not logged in: run `berth login https://<berth\'s address>` (or `berth login --token <token>` on the server)');
  }
  const caFile = env.BERTH_CA_FILE || stored.caFile;
  return { host: normalizeHost(host), token, ...(caFile ? { caFile } : {}) };
}

/** Stores the remote (and makes it the current one); readable by the owner only; returns the file's path. */
export function saveCredentials(env: Env, creds: Credentials, remote = DEFAULT_REMOTE): string {
  const config = readConfig(env);
  config.remotes[checkRemoteName(remote)] = creds;
  config.current = remote;
  return writeConfig(env, config);
}

/** Makes `remote` the one used when BERTH_REMOTE names none. */
export function useRemote(env: Env, remote: string): void {
  const config = readConfig(env);
  if (!config.remotes[remote]) throw new CliError('NOT_FOUND', `no remote "${remote}": \`berth remotes\` lists them`);
  config.current = remote;
  writeConfig(env, config);
}

function writeConfig(env: Env, config: StoredConfig): string {
  const file = credentialsPath(env);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600); // writeFileSync's mode only applies when it creates the file
  return file;
}
