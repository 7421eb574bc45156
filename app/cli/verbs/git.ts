import { spawn } from 'node:child_process';
import { appPath } from '../api-client';
import type { AppDetail } from '../api-types';
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
    return (await ctx.api().get<{ app: AppDetail }>(appPath(app))).app.deployBranch || 'main';
  } catch (e) {
    if (!(e instanceof CliError) || e.code !== 'APP_NOT_FOUND') throw e;
    ctx.out.note(` !     ${app} does not exist yet: create it with \`berth apps:create ${app}\` before pushing`);
    return 'main';
  }
}

export const gitVerbs: VerbGroup = {
  name: 'git',
  summary: 'Deploying with git push',
  verbs: [
    {
      name: 'git:remote',
      usage: 'berth git:remote <app> [--name <remote>]',
      summary: 'In the current git work tree, point a remote at the app\'s repo on berth and give git your token, so `git push` deploys.',
      args: [{ name: 'app', summary: 'The app\'s name.' }],
      options: [{ name: 'name', value: '<remote>', summary: 'The remote\'s name; default paas.' }],
      async run(ctx) {
        const app = ctx.arg('app');
        const remote = typeof ctx.args.options.name === 'string' ? ctx.args.options.name : 'paas';
        const api = ctx.api();
        if ((await git(ctx, ['rev-parse', '--is-inside-work-tree'])).stdout !== 'true') {
          throw new CliError('NOT_A_GIT_REPO', `${ctx.io.cwd} is not in a git work tree: run this in the app's checkout (or \`git init\` first)`);
        }
        const branch = await deployBranch(ctx, app);
        const url = `${api.host}/git/${encodeURIComponent(app)}.git`;
        const exists = (await git(ctx, ['remote', 'get-url', remote])).code === 0;
        await mustGit(ctx, ['remote', exists ? 'set-url' : 'add', remote, url]);

        // git sends the token as the basic-auth password; berth ignores the user name.
        const origin = new URL(api.host);
        const credentialUrl = origin.origin;
        await mustGit(ctx, ['config', '--local', `credential.${credentialUrl}.username`, 'berth']);
        const helpers = (await git(ctx, ['config', '--get-urlmatch', 'credential.helper', url])).stdout;
        // Without a helper `git credential approve` stores nothing, so fall back to `store`.
        const helper = helpers ? helpers.split('\n').pop()! : 'store';
        if (!helpers) await mustGit(ctx, ['config', '--local', `credential.${credentialUrl}.helper`, 'store']);
        await mustGit(ctx, ['credential', 'approve'],
          `protocol=${origin.protocol.replace(':', '')}\nhost=${origin.host}\nusername=berth\npassword=${api.token}\n\n`);

        if (ctx.json) return ctx.out.json({ remote, url, helper });
        ctx.out.line(`-----> ${exists ? 'Updated' : 'Added'} git remote ${remote} → ${url}`);
        ctx.out.line(`-----> git will send your berth token as the password for ${credentialUrl}:`);
        ctx.out.line(helpers
          ? `       saved with your credential helper "${helper}"`
          : '       saved with git\'s "store" helper in ~/.git-credentials (plain text, mode 0600), set for this repo only');
        ctx.out.line(`       Deploy with: git push ${remote} ${branch}`);
      },
    },
  ],
};
