import { tokenize, type Token } from './template-snippet';

/*
 * A host port an app maps can be taken by another process while nginx is stopped (a reboot, a
 * stop for maintenance): the app's config on disk still listens on it, and nginx would fail to
 * start at all — every app down, and berth's start with it. Before the master starts, the router
 * takes such ports out of the configs on disk (NginxRouter.start), as apply() leaves out a port
 * taken while nginx runs; applying the route again once the port is free listens on it again.
 */

/** The comment a config carries for each port left out (`nginx:show-config` shows it). */
export const leftOutNote = (port: number): string =>
  `# berth: host port ${port} is NOT listened on: another process on this host holds it. Free it, then run ports:set (or redeploy).`;

/** The port of a `listen` value (`8080`, `127.0.0.1:8080`), or null (`unix:`, IPv6). */
export function listenPort(value: string): number | null {
  const m = /^(?:[0-9.]+:)?(\d{1,5})$/.exec(value);
  return m ? Number(m[1]) : null;
}

/** Ports the config's `listen` directives name. */
export function listenPorts(text: string): number[] {
  return [...new Set(listens(tokenize(text)).map((l) => l.port).filter((p): p is number => p !== null))];
}

interface Listen { readonly port: number | null; readonly at: number; readonly end: number; readonly server: Block }
interface Block { readonly at: number; end: number; listens: number }

function listens(tokens: readonly Token[]): Listen[] {
  const out: Listen[] = [];
  let depth = 0;
  let server: Block | null = null;
  let i = 0;
  while (i < tokens.length) {
    const head = tokens[i];
    if (!head.quoted && (head.text === '}' || head.text === ';')) {
      if (head.text === '}') {
        depth--;
        if (depth === 0 && server) { server.end = head.end; server = null; }
      }
      i++;
      continue;
    }
    let j = i + 1;
    while (j < tokens.length && !(!tokens[j].quoted && [';', '{', '}'].includes(tokens[j].text))) j++;
    const end = tokens[j];
    if (end && !end.quoted && end.text === '{') {
      if (depth === 0 && head.text === 'server') server = { at: head.at, end: head.at, listens: 0 };
      depth++;
    } else if (head.text === 'listen' && server && depth === 1 && end?.text === ';') {
      server.listens++;
      out.push({ port: j > i + 1 ? listenPort(tokens[i + 1].text) : null, at: head.at, end: end.end, server });
    }
    i = end && end.text !== '}' ? j + 1 : j;
  }
  return out;
}

/**
 * The config without listening on `taken`: each such `listen` line goes, and a server block left
 * with none goes whole (without `listen`, nginx would bind port 80). The left-out ports are named
 * in a comment at the top. Unchanged text when it names none of them.
 */
export function leaveOut(text: string, taken: ReadonlySet<number>): string {
  const all = listens(tokenize(text));
  const hit = all.filter((l) => l.port !== null && taken.has(l.port));
  if (hit.length === 0) return text;
  const cuts: Array<{ at: number; end: number }> = [];
  for (const block of new Set(hit.map((l) => l.server))) {
    const gone = hit.filter((l) => l.server === block);
    if (gone.length === block.listens) cuts.push({ at: block.at, end: block.end });
    else cuts.push(...gone.map((l) => ({ at: l.at, end: l.end })));
  }
  let out = text;
  for (const c of cuts.sort((a, b) => b.at - a.at)) out = out.slice(0, c.at) + out.slice(c.end);
  const ports = [...new Set(hit.map((l) => l.port!))].sort((a, b) => a - b);
  return `${ports.map(leftOutNote).join('\n')}\n${out}`;
}
