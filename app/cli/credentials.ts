import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError } from './cli-error';

export interface Credentials {
  readonly host: string;
  readonly token: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_HOST = 'http://127.0.0.1:8380';

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

/** The stored credentials, each field overridden by BERTH_URL / BERTH_TOKEN. */
export function loadCredentials(env: Env): Credentials {
  let stored: Partial<Credentials> = {};
  const file = credentialsPath(env);
  if (!(env.BERTH_URL && env.BERTH_TOKEN) && fs.existsSync(file)) {
    try {
      stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Credentials>;
    } catch (e) {
      throw new CliError('BAD_CONFIG', `${file} is not valid JSON (${(e as Error).message}); run \`berth login\` again`);
    }
  }
  const host = env.BERTH_URL || stored.host;
  const token = env.BERTH_TOKEN || stored.token;
  if (!host || !token) {
    throw new CliError('NOT_LOGGED_IN', `not logged in: run \`berth login --host ${DEFAULT_HOST} --token <token>\``);
  }
  return { host: normalizeHost(host), token };
}

/** Writes the credentials readable by the owner only; returns the file's path. */
export function saveCredentials(env: Env, creds: Credentials): string {
  const file = credentialsPath(env);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600); // writeFileSync's mode only applies when it creates the file
  return file;
}
