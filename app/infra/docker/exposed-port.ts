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
