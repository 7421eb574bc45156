import { spawn } from 'node:child_process';
import { appPath } from '../api-client';
import type { AppDetail, GitRemotesResponse, AppResponse } from '../api-types';
import { CliError } from '../cli-error';
import type { VerbContext, VerbGroup } from '../types';

interface GitResult { code: number; stdout: string; stderr: string }

/** Runs git in the current directory; `input` goes to its stdin. Never throws on exit codes. */
function git(ctx: VerbContext, args: readonly string[], input?: string): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: ctx.io.cwd, env: { ...ctx.io.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('error', (e: Error & { code?: string }) =>
      reject(e.code === 'ENOENT' ? new CliError('GIT_MISSING', 'git is not installed (or not on PATH)') : e));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: stdout.trim(), stderr: stderr.trim() }));
    child.stdin.end(input);
  });
}

async function mustGit(ctx: VerbContext, args: readonly string[], input?: string): Promise<string> {
  const r = await git(ctx, args, input);
  if (r.code !== 0) throw new CliError('GIT_FAILED', `git ${args[0]} ${args[1] ?? ''} failed: ${r.stderr || `exit ${r.code}`}`);
  return r.stdout;
}

/** The app's deploy branch, or `main` (with a warning) when the app does not exist yet. */
async function deployBranch(ctx: VerbContext, app: string): Promise<string> {
  try {
    return (await ctx.api().get<AppResponse>(appPath(app))).app.deployBranch || 'main';
  } catch (e) {
    if (!(e instanceof CliError) || e.code !== 'APP_NOT_FOUND') throw e;
    ctx.out.note(` !     ${app} does not exist yet: create it with \`berth apps:create ${app}\` before pushing`);
    return 'main';
  }
}

/** The app's push URLs on berth's own address; null from a berth without one (or an older berth). */
async function remoteUrls(ctx: VerbContext, app: string): Promise<GitRemotesResponse['remotes']> {
  try {
    return (await ctx.api().get<GitRemotesResponse>(appPath(app, '/git-remotes'))).remotes;
  } catch (e) {
    if (e instanceof CliError && ['NOT_FOUND', 'HTTP_404'].includes(e.code)) return null;
    throw e;
  }
}

export const gitVerbs: VerbGroup = {
  name: 'git',
  summary: 'Deploying with git push',
  verbs: [
    {
      name: 'git:remote',
      usage: 'berth git:remote <app> [--name <remote>] [--ssh]',
      summary: 'In the current git work tree, point a remote at the app\'s repo on berth and give git your token, so `git push` deploys; prints the HTTPS and SSH URLs.',
      args: [{ name: 'app', summary: 'The app\'s name.' }],
      options: [
        { name: 'name', value: '<remote>', summary: 'The remote\'s name; default paas.' },
        { name: 'ssh', summary: 'Push over SSH (berth@<host>, your key from `berth ssh-keys:add`) instead of HTTPS.' },
      ],
      async run(ctx) {
        const app = ctx.arg('app');
        const remote = typeof ctx.args.options.name === 'string' ? ctx.args.options.name : 'paas';
        const api = ctx.api();
        if ((await git(ctx, ['rev-parse', '--is-inside-work-tree'])).stdout !== 'true') {
          throw new CliError('NOT_A_GIT_REPO', `${ctx.io.cwd} is not in a git work tree: run this in the app's checkout (or \`git init\` first)`);
        }
        const branch = await deployBranch(ctx, app);
        const remotes = await remoteUrls(ctx, app);
        const httpsUrl = remotes?.https ?? `${api.host}/git/${encodeURIComponent(app)}.git`;
        const sshUrl = remotes?.ssh ?? null;
        if (ctx.args.options.ssh === true && sshUrl === null) throw new CliError('SSH_UNAVAILABLE', 'this berth has no SSH address for pushes (BERTH_HOSTNAME and BERTH_SSH_PORT); use HTTPS');
        const url = ctx.args.options.ssh === true ? sshUrl! : httpsUrl;
        const exists = (await git(ctx, ['remote', 'get-url', remote])).code === 0;
        await mustGit(ctx, ['remote', exists ? 'set-url' : 'add', remote, url]);

        // git sends the token as the basic-auth password; berth ignores the user name.
        const origin = new URL(httpsUrl);
        const credentialUrl = origin.origin;
        await mustGit(ctx, ['config', '--local', `credential.${credentialUrl}.username`, 'berth']);
        // A self-signed or private-CA certificate: git trusts that CA for berth's address only.
        if (api.caFile && origin.protocol === 'https:') await mustGit(ctx, ['config', '--local', `http.${credentialUrl}/.sslCAInfo`, api.caFile]);
        const helpers = (await git(ctx, ['config', '--get-urlmatch', 'credential.helper', httpsUrl])).stdout;
        // Without a helper `git credential approve` stores nothing, so fall back to `store`.
        const helper = helpers ? helpers.split('\n').pop()! : 'store';
        if (!helpers) await mustGit(ctx, ['config', '--local', `credential.${credentialUrl}.helper`, 'store']);
        await mustGit(ctx, ['credential', 'approve'],
          `protocol=${origin.protocol.replace(':', '')}\nhost=${origin.host}\nusername=berth\npassword=${api.token}\n\n`);

        if (ctx.json) return ctx.out.json({ remote, url, helper, https: httpsUrl, ssh: sshUrl });
        ctx.out.line(`-----> ${exists ? 'Updated' : 'Added'} git remote ${remote} → ${url}`);
        ctx.out.line(`       HTTPS: ${httpsUrl}`);
        ctx.out.line(`       SSH:   ${sshUrl ?? '(none: this berth has no SSH address)'}`);
        ctx.out.line(`-----> git will send your berth token as the password for ${credentialUrl}:`);
        ctx.out.line(helpers
          ? `       saved with your credential helper "${helper}"`
          : '       saved with git\'s "store" helper in ~/.git-credentials (plain text, mode 0600), set for this repo only');
        ctx.out.line(`       Deploy with: git push ${remote} ${branch}`);
      },
    },
  ],
};
