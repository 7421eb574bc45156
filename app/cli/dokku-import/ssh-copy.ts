import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CliError } from '../cli-error';
import { shellQuote } from '../shell-quote';
import { SERVICE_PLUGINS, dokkuRoots } from './read-host';

/** A dokku host named for `import:dokku`: `[user@]host[:/root]` or `ssh://[user@]host[:port][/root]`. */
export interface SshSource {
  /** `[user@]host`, as ssh takes it. */
  readonly destination: string;
  readonly port?: string;
  /** Where dokku's files are on that host: `/` (home/dokku, var/lib/dokku) unless given. */
  readonly root: string;
}

const HOST = '(?:[A-Za-z0-9_][A-Za-z0-9_.-]*@)?[A-Za-z0-9][A-Za-z0-9.-]*';

/** The ssh host a source names, or null when it is a path (`./copy`, `/tmp/x`, `copy`). */
export function sshSourceOf(source: string): SshSource | null {
  const url = new RegExp(`^ssh://(${HOST})(?::([0-9]{1,5}))?(/[^\\0]*)?$`).exec(source);
  if (url) return { destination: url[1], port: url[2], root: url[3] ?? '/' };
  // `user@host` or `host:/root` (scp's form); a bare word is a local folder.
  const scp = new RegExp(`^(${HOST})(?::(/[^\\0]*))?$`).exec(source);
  if (scp && (scp[1].includes('@') || scp[2] !== undefined)) return { destination: scp[1], root: scp[2] ?? '/' };
  return null;
}

/** `ssh` with the user's own options: BERTH_SSH_COMMAND (as git's GIT_SSH_COMMAND: words split at spaces), else `ssh`. */
function sshArgv(env: Readonly<Record<string, string | undefined>>, s: SshSource, command: string): string[] {
  const base = (env.BERTH_SSH_COMMAND ?? 'ssh').trim().split(/\s+/);
  // BatchMode: never a password prompt in the middle of an import; `--` ends ssh's options before the host.
  return [...base, '-o', 'BatchMode=yes', ...(s.port ? ['-p', s.port] : []), '--', s.destination, command];
}

function runTo(argv: string[], out: NodeJS.WritableStream | null, input?: NodeJS.ReadableStream): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: [input ? 'pipe' : 'ignore', out ? 'pipe' : 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => { stderr = (stderr + c.toString('utf8')).slice(-4000); });
    if (out) child.stdout!.pipe(out, { end: false });
    if (input) input.pipe(child.stdin!);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

/**
 * Copies a dokku host's files over ssh into `into` (one `tar c` stream of home/dokku,
 * var/lib/dokku/config and var/lib/dokku/services, without the services' data folders), then asks
 * the host's `dokku <plugin>:export` for each service that has no `<name>.dump` beside it. Only the
 * ssh client runs here; nothing is written on the dokku host.
 */
export async function copyOverSsh(s: SshSource, into: string, env: Readonly<Record<string, string | undefined>>, note: (line: string) => void): Promise<void> {
  const list = 'for d in home/dokku var/lib/dokku/config var/lib/dokku/services; do [ -e "$d" ] && printf "%s\\n" "$d"; done';
  const remote = `cd ${shellQuote(s.root)} && set -- $(${list}) && [ "$#" -gt 0 ] && tar -cf - --exclude='var/lib/dokku/services/*/*/data' "$@"`;
  const untar = spawn('tar', ['-xf', '-', '-C', into], { stdio: ['pipe', 'ignore', 'pipe'] });
  let untarErr = '';
  untar.stderr.on('data', (c: Buffer) => { untarErr += c.toString('utf8'); });
  const untarDone = new Promise<number>((resolve) => untar.on('close', (code) => resolve(code ?? -1)));
  const sent = await runTo(sshArgv(env, s, remote), untar.stdin);
  untar.stdin.end();
  const untarCode = await untarDone;
  if (sent.code !== 0) {
    throw new CliError('IMPORT_SOURCE_INVALID', `reading ${s.destination}:${s.root} over ssh failed (exit ${sent.code}): ${sent.stderr.trim().split('\n').slice(-2).join(' / ') || `no home/dokku or var/lib/dokku under ${s.root}`}`);
  }
  if (untarCode !== 0) throw new CliError('IMPORT_SOURCE_INVALID', `unpacking the copy from ${s.destination} failed: ${untarErr.trim().slice(-300)}`);
  const { lib } = dokkuRoots(into);
  for (const plugin of SERVICE_PLUGINS) {
    const dir = path.join(lib, 'services', plugin);
    for (const name of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
      const dump = path.join(dir, name, `${name}.dump`);
      if (fs.existsSync(dump) || !/^[a-z0-9][a-z0-9_.-]*$/.test(name)) continue;
      const file = fs.createWriteStream(dump);
      const r = await runTo(sshArgv(env, s, `command -v dokku >/dev/null && dokku ${plugin}:export ${shellQuote(name)}`), file);
      await new Promise<void>((resolve) => file.end(resolve));
      if (r.code !== 0) {
        fs.rmSync(dump, { force: true });
        note(`       ${plugin} ${name}: \`dokku ${plugin}:export ${name}\` on ${s.destination} failed (exit ${r.code}); its data is not carried over`);
      }
    }
  }
}
