import crypto from 'node:crypto';
import { BerthError } from '../errors';
import { LABEL } from '../naming/container-names';

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,39}$/;

export function checkServiceName(name: unknown): string {
  if (typeof name !== 'string' || !SERVICE_NAME.test(name)) {
    throw new BerthError('INVALID_SERVICE_NAME', `"${String(name)}" is not a valid service name: use lowercase letters, digits and dashes, starting with a letter, at most 40 characters.`);
  }
  return name;
}

/** `berth-svc-<plugin>-<name>`: the container, and its hostname on the berth network. */
export const containerNameOf = (plugin: string, name: string): string => `berth-svc-${plugin}-${name}`;
export const volumeNameOf = (plugin: string, name: string): string => `berth-svc-${plugin}-${name}-data`;

/** Labels on service containers and volumes. */
export const SERVICE_LABEL = {
  plugin: 'berth.service.plugin',
  name: 'berth.service.name',
  scope: LABEL.scope,
  /** On the volume: the credentials its data was created with, so a kept volume can be reused. */
  credentials: 'berth.service.credentials',
} as const;

/** URL-safe random secret (hex), `bytes` of entropy. */
export const randomSecret = (bytes = 16): string => crypto.randomBytes(bytes).toString('hex');

const ENV_KEY = /^[A-Z_][A-Z0-9_]*$/;
export function checkAlias(alias: unknown): string {
  if (typeof alias !== 'string' || !ENV_KEY.test(alias) || alias.length > 100) {
    throw new BerthError('INVALID_CONFIG_KEY', `"${String(alias)}" is not a valid env var name for a link: use uppercase letters, digits and underscores, e.g. DATABASE_URL.`);
  }
  return alias;
}

export function checkExposePort(port: unknown): number {
  const n = typeof port === 'string' ? Number(port) : port;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1024 || n > 65535) {
    throw new BerthError('SERVICE_PORT_INVALID', `${String(port)} is not a port from 1024 to 65535.`);
  }
  return n;
}
