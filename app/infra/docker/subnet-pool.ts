import { BerthError } from '../../errors';

/**
 * Subnets for the apps' own networks, carved out of one pool (BERTH_APP_SUBNETS). Docker's
 * default pools hold about 30 bridge networks in all, so one network per app would stop at the
 * 30th app; a /16 cut into /24s holds 256.
 */
export interface SubnetPool {
  /** e.g. `10.240.0.0/16`. */
  readonly cidr: string;
  /** Size of each app's subnet, e.g. 24. */
  readonly prefix: number;
}

interface Range { readonly start: number; readonly end: number }

function toInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

const toIp = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

/** An IPv4 CIDR as a range of addresses; null for anything else (IPv6). */
export function cidrRange(cidr: string): Range | null {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
  if (!m) return null;
  const bits = Number(m[2]);
  if (bits > 32) return null;
  const size = 2 ** (32 - bits);
  const start = toInt(m[1]!) - (toInt(m[1]!) % size);
  return { start, end: start + size - 1 };
}

/** Checks the pool when the config is read: an IPv4 CIDR and a subnet size inside it. */
export function parseSubnetPool(raw: string, prefix: number): SubnetPool {
  const range = cidrRange(raw);
  const bits = Number(raw.split('/')[1]);
  if (!range || prefix < bits || prefix > 29) {
    throw new BerthError('INVALID_CONFIG', `BERTH_APP_SUBNETS=${raw} must be an IPv4 network such as 10.240.0.0/16, holding /${prefix} subnets.`);
  }
  return { cidr: raw, prefix };
}

/**
 * The first subnet of the pool that overlaps none of `taken` (the subnets of every network docker
 * has), or with `skip` the one that many free subnets further on (wrapping round), so racers that
 * lost a subnet to each other spread out instead of all trying the same next one.
 */
export function freeSubnet(pool: SubnetPool, taken: readonly string[], skip = 0): string {
  const range = cidrRange(pool.cidr)!;
  const used = taken.map(cidrRange).filter((r): r is Range => r !== null);
  const size = 2 ** (32 - pool.prefix);
  const free: number[] = [];
  for (let start = range.start; start + size - 1 <= range.end; start += size) {
    const end = start + size - 1;
    if (!used.some((u) => u.start <= end && start <= u.end)) free.push(start);
    if (free.length > skip) break;
  }
  if (free.length > 0) return `${toIp(free[skip % free.length]!)}/${pool.prefix}`;
  throw new BerthError('INTERNAL', `No free /${pool.prefix} subnet is left in BERTH_APP_SUBNETS=${pool.cidr} for another app network; give a larger pool.`);
}
