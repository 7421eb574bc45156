import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { GROUPS, runCli } from '../cli';
import { BerthError } from '../errors';
import { gitRefusal } from '../builds';
import type { SshExec } from '../ports/ssh-session';
import type { UserRecord } from '../ports/store';
import type { SshServices } from './ssh-services';
import { splitCommand } from './split-command';

/** `git-receive-pack '/app.git'` and the like; the name itself is checked by the push gate's one rule. */
const GIT = /^(git-upload-pack|git-receive-pack) '?\/?([^'/\s]*?)(?:\.git)?\/?'?$/;

/** Verbs that read or write files where they run: over SSH that would be berth's own disk. */
const LOCAL_ONLY = new Set(['login', 'remotes', 'remotes:use', 'apps:deploy-archive', 'certs:add', 'git:remote']);

function verbOf(name: string | undefined): string | undefined {
  for (const g of GROUPS) for (const v of g.verbs) if (v.name === name || v.aliases?.includes(name ?? '')) return v.name;
  return name;
}

/** Runs a CLI verb in-process against the local API, as the key's user, with a token that lives for this command only. */
async function cliSession(services: SshServices, s: SshExec<UserRecord>): Promise<number> {
  const argv = splitCommand(s.command);
  const verb = verbOf(argv[0]);
  if (verb && LOCAL_ONLY.has(verb)) throw new BerthError('INVALID_INPUT', `\`${verb}\` works with files on your machine: run it with the berth CLI instead of over SSH.`);
  const tokenName = `ssh-${crypto.randomBytes(6).toString('hex')}`;
  const token = services.access.startSshSession(s.user, tokenName);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ssh-'));
  try {
    return await runCli(argv, {
      // localFiles false: no verb reads a path the SSH user names (app/cli/user-files.ts).
      stdout: s.stdout, stderr: s.stderr, stdin: s.stdin, cwd: dir, localFiles: false,
      env: { BERTH_URL: services.apiUrl, BERTH_TOKEN: token, BERTH_CLIENT: 'ssh', NO_COLOR: '1', HOME: dir },
    });
  } finally {
    services.access.endSshSession(s.user, tokenName, token);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What one SSH command does: git's upload-pack/receive-pack through the push gate (the same
 * checks and codes as git over HTTP), anything else a CLI verb. Resolves to the exit status.
 */
export function sshCommandHandler(services: SshServices): (s: SshExec<UserRecord>) => Promise<number> {
  return (s) => services.events.withSource('ssh', async () => {
    try {
      const git = GIT.exec(s.command.trim());
      if (!git) return await cliSession(services, s);
      return await services.pushGate.serveStream({ user: s.user, app: git[2], pushing: git[1] === 'git-receive-pack' }, {
        gitProtocol: s.gitProtocol, stdin: s.stdin, stdout: s.stdout, stderr: s.stderr, signal: s.signal,
      });
    } catch (e) {
      s.stderr.write(gitRefusal(e));
      return 1;
    }
  });
}
