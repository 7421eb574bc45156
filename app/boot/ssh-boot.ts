import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GROUPS, runCli } from '../cli';
import { BerthError, asBerthError } from '../errors';
import { startSshServer, type SshExec } from '../infra/ssh';
import type { UserRecord } from '../ports/store';
import type { Berth } from './create-berth';

const GIT = /^(git-upload-pack|git-receive-pack) '?\/?([^'/\s]+?)(?:\.git)?\/?'?$/;
const APP_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** Verbs that read or write files where they run: over SSH that would be berth's own disk. */
const LOCAL_ONLY = new Set(['login', 'apps:deploy-archive', 'certs:add', 'git:remote']);

/** Splits a command line as a shell would for plain words and '…' / "…" quoting (no expansion). */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word = (word ?? '') + line[++i];
      else word = (word ?? '') + c;
    } else if (c === "'" || c === '"') { quote = c; word ??= ''; }
    else if (c === '\\' && i + 1 < line.length) word = (word ?? '') + line[++i];
    else if (/\s/.test(c)) { if (word !== null) words.push(word); word = null; }
    else word = (word ?? '') + c;
  }
  if (quote) throw new BerthError('INVALID_INPUT', 'Unterminated quote in the command.');
  if (word !== null) words.push(word);
  return words;
}

function verbOf(name: string | undefined): string | undefined {
  for (const g of GROUPS) for (const v of g.verbs) if (v.name === name || v.aliases?.includes(name ?? '')) return v.name;
  return name;
}

async function gitSession(berth: Berth, s: SshExec<UserRecord>, service: 'git-upload-pack' | 'git-receive-pack', app: string): Promise<number> {
  if (!APP_NAME.test(app)) throw new BerthError('INVALID_APP_NAME', `"${app.slice(0, 64)}" is not an app name.`);
  const pushing = service === 'git-receive-pack';
  if (pushing) await berth.repos.assertRoomToPush();
  if (!berth.store.apps.get(app)) {
    if (!pushing || !berth.config.autoCreateApps) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; create it with \`berth apps:create ${app}\`.`);
    berth.access.authorize(s.user, 'admin', null);
    await berth.apps.create(app, s.user.name);
  }
  berth.access.authorize(s.user, pushing ? 'write' : 'read', app);
  await berth.repos.ensureRepo(app);
  return berth.repos.serveStream({
    service, app, user: s.user.name, gitProtocol: s.gitProtocol, stdin: s.stdin, stdout: s.stdout, stderr: s.stderr, signal: s.signal,
  });
}

/** Runs a CLI verb in-process against the local API, as the key's user, with a token that lives for this command only. */
async function cliSession(berth: Berth, s: SshExec<UserRecord>): Promise<number> {
  const argv = splitCommand(s.command);
  const verb = verbOf(argv[0]);
  if (verb && LOCAL_ONLY.has(verb)) throw new BerthError('INVALID_INPUT', `\`${verb}\` works with files on your machine: run it with the berth CLI instead of over SSH.`);
  const tokenName = `ssh-${crypto.randomBytes(6).toString('hex')}`;
  const token = berth.access.startSshSession(s.user, tokenName);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ssh-'));
  const host = ['0.0.0.0', '::', ''].includes(berth.config.host) ? '127.0.0.1' : berth.config.host;
  try {
    return await runCli(argv, {
      // localFiles false: no verb reads a path the SSH user names (app/cli/user-files.ts).
      stdout: s.stdout, stderr: s.stderr, stdin: s.stdin, cwd: dir, localFiles: false,
      env: { BERTH_URL: `http://${host.includes(':') ? `[${host}]` : host}:${berth.config.port}`, BERTH_TOKEN: token, BERTH_CLIENT: 'ssh', NO_COLOR: '1', HOME: dir },
    });
  } finally {
    berth.access.endSshSession(s.user, tokenName, token);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The SSH transport (BERTH_SSH_PORT): `git push ssh://berth@host:<port>/<app>` and dokku-style
 * commands (`ssh -p <port> berth@host apps:list`), for users whose public key is registered.
 */
export async function startSsh(berth: Berth, log: (line: string) => void): Promise<{ port: number; close(): Promise<void> } | null> {
  if (berth.config.sshPort === 0) return null;
  const server = await startSshServer<UserRecord>({
    port: berth.config.sshPort, host: berth.config.host, authTimeoutSeconds: berth.config.sshAuthTimeoutSeconds, hostKeyFile: path.join(berth.config.home, 'ssh_host_ed25519_key'),
    userOfKey: (fingerprint) => berth.access.userOfSshKey(fingerprint),
    log,
    exec: (s) => berth.events.withSource('ssh', async () => {
      try {
        const git = GIT.exec(s.command.trim());
        return git ? await gitSession(berth, s, git[1] as 'git-upload-pack' | 'git-receive-pack', git[2]) : await cliSession(berth, s);
      } catch (e) {
        const err = asBerthError(e);
        s.stderr.write(`berth: ${err.message}\n`);
        return 1;
      }
    }),
  });
  log(`ssh listening on ${berth.config.host}:${server.port}`);
  return server;
}

/** As startSsh, but a port in use only turns SSH off (with a loud line): the web and git over HTTP stay up. */
export async function startSshOrWarn(berth: Berth, log: (line: string) => void): Promise<{ port: number; close(): Promise<void> } | null> {
  try {
    return await startSsh(berth, log);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    log(`ssh: port ${berth.config.sshPort} is in use; the SSH transport is OFF (set BERTH_SSH_PORT to a free port, or 0)`);
    return null;
  }
}
