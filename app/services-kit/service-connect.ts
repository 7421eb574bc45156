import { Writable } from 'node:stream';
import { BerthError } from '../errors';
import type { ServiceKit } from './service-kit';

/**
 * `berth <plugin>:connect <name>` (dokku's): the plugin's own client (psql, redis-cli, mariadb) runs in
 * the service container with the caller's stdin. Checks first (so the exec upgrade can still answer an
 * HTTP error), then returns the function that runs the session and resolves with the client's exit code.
 */
export async function prepareConnect(kit: ServiceKit, plugin: string, name: string,
  terminal?: { readonly size?: { readonly cols: number; readonly rows: number }; readonly term?: string }): Promise<
  (io: { stdin: NodeJS.ReadableStream; onOutput: (chunk: Buffer) => void }) => Promise<number>
> {
  const s = kit.find(plugin, name);
  const command = kit.plugin(plugin).descriptor.connectCommand?.(s.credentials);
  if (!command) throw new BerthError('SERVICE_UNSUPPORTED', `The ${plugin} plugin names no client to connect with.`);
  await kit.requireExec(s);
  return async (io) => {
    // stdout and stderr both to the user as they come: a typed query's error shows before the next prompt.
    const out = (): Writable => new Writable({ write(chunk: Buffer, _enc, done) { io.onOutput(chunk); done(); } });
    // From a terminal (the CLI asks with tty=1): the client gets one, so psql, redis-cli and mariadb prompt and edit lines.
    const tty = terminal ? { tty: true, size: terminal.size, env: /^[A-Za-z0-9._+-]{1,64}$/.test(terminal.term ?? '') ? { TERM: terminal.term! } : undefined } : {};
    const r = await kit.handle(s).exec(command, { stdin: io.stdin, stdout: out(), stderr: out(), ...tty });
    return r.exitCode;
  };
}
