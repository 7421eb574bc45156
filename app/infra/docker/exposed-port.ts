/** Every exposed port key (`3000/tcp`, `53/udp`; a bare number is TCP), sorted by number. */
export function exposedPortList(exposed: Readonly<Record<string, unknown>> | null | undefined): string[] {
  return Object.keys(exposed ?? {})
    .map((k) => (/^\d+$/.test(k) ? `${k}/tcp` : k))
    .filter((k) => /^\d{1,5}\/(tcp|udp|sctp)$/.test(k))
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || a.localeCompare(b));
}

/** Lowest TCP port among an image's ExposedPorts (`{"5000/tcp": {}}`), or null. */
export function lowestTcpPort(exposed: Readonly<Record<string, unknown>> | null | undefined): number | null {
  let lowest: number | null = null;
  for (const key of Object.keys(exposed ?? {})) {
    const m = /^(\d+)(?:\/(tcp|udp|sctp))?$/.exec(key);
    if (!m || (m[2] !== undefined && m[2] !== 'tcp')) continue;
    const port = Number(m[1]);
    if (port > 0 && port < 65536 && (lowest === null || port < lowest)) lowest = port;
  }
  return lowest;
}
