import type { SourceView } from '../../app/ports/buildpack';

const LINE = /^([A-Za-z0-9_-]+):\s*(.*?)\s*$/;

/**
 * The command of one Procfile process type, or null. Parsed leniently: berth's release step
 * validates the Procfile properly; a buildpack only wants the web command for the image CMD.
 */
export function procfileCommand(source: SourceView, type: string): string | null {
  const text = source.read('Procfile');
  if (text === null) return null;
  for (const raw of text.split(/\r?\n/)) {
    const m = LINE.exec(raw.trim());
    if (m && m[1] === type && m[2]) return m[2];
  }
  return null;
}

/** `CMD` running a Procfile command the way berth does (`/bin/sh -c`). */
export function shellCmd(command: string): string[] {
  return ['/bin/sh', '-c', command];
}
