import type { DrainLine } from '../../ports/log-drains';

/** RFC 5424's PRINTUSASCII fields (HOSTNAME, APP-NAME, PROCID) have no spaces and bounded lengths. */
const field = (s: string, max: number): string => (s.replace(/[^\x21-\x7e]/g, '_').slice(0, max) || '-');

/** RFC 3339 with at most 6 fraction digits (RFC 5424's TIME-SECFRAC). */
const timestamp = (at: string): string => at.replace(/^(.*T\d\d:\d\d:\d\d)(\.\d{1,6})?\d*Z$/, (_m, base: string, frac: string | undefined) => `${base}${frac ?? ''}Z`);

/**
 * One line as an RFC 5424 message in RFC 6587's octet-counted framing (`<length> <message>`), so a
 * receiver never splits or joins lines: `<14>1 <time> <host> <app> <web.1> - - <text>` (facility
 * user, severity info; APP-NAME the app, PROCID the process and number).
 */
export function syslogFrame(line: DrainLine, hostname: string): Buffer {
  const text = line.text.replace(/\r?\n$/, '');
  const message = Buffer.from(`<14>1 ${timestamp(line.at)} ${field(hostname, 255)} ${field(line.app, 48)} ${field(line.tag, 128)} - - ${text}`, 'utf8');
  return Buffer.concat([Buffer.from(`${message.length} `, 'ascii'), message]);
}

/** The HTTPS drain's body: one JSON object a line (NDJSON). */
export function ndjsonBatch(lines: readonly DrainLine[]): string {
  return lines.map((l) => JSON.stringify({ time: l.at, app: l.app, process: l.tag, release: l.release, message: l.text })).join('\n') + '\n';
}
