import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { BerthError } from '../../errors';
import type { GitCredentials, RemoteGit } from '../../ports/remote-git';
import { assertRevision, repoPath } from './repo-paths';
import { runGit } from './run-git';

/**
 * The transports a sync may use. git's own default also allows file:// and `ext::` (a command);
 * `protocol.allow=never` turns those off for the fetch and anything it follows (submodules are not
 * fetched, redirects are off), whatever URL checks ran before.
 */
const PROTOCOLS = ['https', 'http', 'ssh', 'git'];

const FETCH_TIMEOUT_MS = 120_000;

/** Removes anything that looks like a credential from git's message before it is shown. */
const scrub = (text: string, secrets: readonly string[]): string => {
  let out = text.replace(/(\/\/)[^/@\s]*@/g, '$1***@');
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out.trim().split('\n').slice(-4).join(' / ');
};

/** git's environment for one fetch: no prompts, and the credential handed over without a file or a command line. */
function envFor(credentials: GitCredentials | null, keyFile: string | null, knownHosts: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir(), GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1',
    // BatchMode: never ask; accept-new: the first sync learns the forge's host key, later ones hold it to it.
    GIT_SSH_COMMAND: ['ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new', '-o', `UserKnownHostsFile=${knownHosts}`,
      ...(keyFile ? ['-o', 'IdentitiesOnly=yes', '-i', keyFile] : [])].join(' '),
  };
  if (credentials?.kind === 'token') {
    // In the environment (GIT_CONFIG_*), not on the command line other local users can read.
    env.GIT_CONFIG_COUNT = '1';
    env.GIT_CONFIG_KEY_0 = 'http.extraHeader';
    env.GIT_CONFIG_VALUE_0 = `Authorization: Basic ${Buffer.from(`${credentials.username}:${credentials.secret}`).toString('base64')}`;
  }
  return env;
}

/** Remote fetches into the apps' bare repos with simple-git; `stateDir` keeps the forges' SSH host keys. */
export function createRemoteGit(options: { reposDir: string; stateDir: string }): RemoteGit {
  const reposDir = path.resolve(options.reposDir);
  const knownHosts = path.join(options.stateDir, 'known_hosts');
  return {
    async fetch({ app, url, ref, credentials }) {
      if (ref !== null) assertRevision(ref);
      if (url.startsWith('-')) throw new BerthError('INVALID_REPO_URL', 'A repository URL cannot start with "-".');
      const dir = repoPath(reposDir, app);
      fs.mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
      let keyDir: string | null = null;
      let keyFile: string | null = null;
      if (credentials?.kind === 'key') {
        keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-key-'));
        keyFile = path.join(keyDir, 'id');
        fs.writeFileSync(keyFile, credentials.secret.endsWith('\n') ? credentials.secret : `${credentials.secret}\n`, { mode: 0o600 });
      }
      const target = `refs/berth/sync-${crypto.randomBytes(6).toString('hex')}`;
      const source = ref === null ? 'HEAD' : ref;
      try {
        const git = simpleGit({
          baseDir: dir, timeout: { block: FETCH_TIMEOUT_MS },
          config: ['protocol.allow=never', ...PROTOCOLS.map((p) => `protocol.${p}.allow=always`), 'http.followRedirects=false'],
          // Each on purpose: protocol.allow (above) only narrows git's default; GIT_SSH_COMMAND and GIT_CONFIG_COUNT carry the credentials.
          unsafe: { allowUnsafeProtocolOverride: true, allowUnsafeSshCommand: true, allowUnsafeConfigEnvCount: true },
        }).env(envFor(credentials, keyFile, knownHosts));
        await git.raw(['fetch', '--quiet', '--no-tags', '--no-recurse-submodules', '--no-write-fetch-head', '--', url, `+${source}:${target}`]);
        const sha = (await git.raw(['rev-parse', '--verify', `${target}^{commit}`])).trim();
        // One ref keeps the last synced commit's objects until it goes live (and a later gc).
        await git.raw(['update-ref', 'refs/berth/synced', sha]);
        return sha;
      } catch (e) {
        const secrets = credentials ? [credentials.secret, ...(credentials.kind === 'token' ? [Buffer.from(`${credentials.username}:${credentials.secret}`).toString('base64')] : [])] : [];
        throw new BerthError('GIT_FETCH_FAILED', `Fetching ${source} failed: ${scrub((e as Error).message, secrets)}`);
      } finally {
        await runGit({ args: ['--git-dir', dir, 'update-ref', '-d', target] }).catch(() => undefined);
        if (keyDir) fs.rmSync(keyDir, { recursive: true, force: true });
      }
    },

    async hasCommit(app, sha) {
      assertRevision(sha);
      const r = await runGit({ args: ['--git-dir', repoPath(reposDir, app), 'cat-file', '-e', `${sha}^{commit}`] });
      return r.code === 0;
    },

    async moveBranch(app, branch, sha) {
      assertRevision(branch);
      assertRevision(sha);
      const r = await runGit({ args: ['--git-dir', repoPath(reposDir, app), 'update-ref', `refs/heads/${branch}`, sha] });
      if (r.code !== 0) throw new BerthError('INTERNAL', `Moving ${app}'s ${branch} to ${sha.slice(0, 7)} failed: ${r.stderr.trim()}`);
    },
  };
}
