import assert from 'node:assert/strict';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { waitFor } from '../support/poll';
import { ROOT, uniqueName, type CliResult } from '../support/berth-process';
import { isStarted, useBerth } from '../support/use-berth';
import { ensureServiceImage, removeServiceLeftovers } from './services-support';

/** `berth redis:connect`/`postgres:connect` (dokku's <service>:connect): the plugin's client in the service container, and who may. */
describe('<service>:connect', function () {
  this.timeout(300_000);
  const svc = uniqueName('rc');
  const pg = uniqueName('pc');
  const my = uniqueName('mc');
  const mine = uniqueName('conn-mine');
  const theirs = uniqueName('conn-theirs');
  let devToken = '';
  const EVAL = 'EVAL "return 41+1" 0\n';

  /** The CLI as a given user (the harness's cli() is the admin). */
  const cliAs = (token: string, args: string[], input: string): CliResult => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/app/cli/main.js'), ...args], {
      input, encoding: 'utf8', timeout: 120_000,
      env: { ...process.env, ...berth.env, BERTH_URL: berth.url, BERTH_TOKEN: token, NO_COLOR: '1' },
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };

  after(async () => {
    if (isStarted(berth)) removeServiceLeftovers(berth);
  });
  const berth = useBerth({}, {
    setUp: () => {
      for (const p of ['redis', 'postgres', 'mariadb']) ensureServiceImage(path.join(ROOT, 'plugins', p));
    },
  });
  before(async () => {
    for (const app of [mine, theirs]) assert.equal((await berth.api('POST', '/api/v1/apps', { name: app })).status, 201);
    const dev = await berth.api('POST', '/api/v1/users', { name: uniqueName('dev'), role: 'developer' });
    assert.equal(dev.status, 201, dev.text);
    devToken = dev.json.token as string;
    const collab = berth.cli(['apps:collaborators:add', mine, dev.json.user.name as string]);
    assert.equal(collab.code, 0, collab.stderr);
    const created = berth.cli(['redis:create', svc]);
    assert.equal(created.code, 0, created.stderr);
    for (const [plugin, name] of [['postgres', pg], ['mariadb', my]]) {
      const made = berth.cli([`${plugin}:create`, name]);
      assert.equal(made.code, 0, made.stderr);
    }
    const linked = berth.cli(['redis:link', svc, theirs]);
    assert.equal(linked.code, 0, linked.stderr);
  });

  it('piped commands run in redis-cli inside the service: EVAL "return 41+1" prints 42', () => {
    const r = berth.cli(['redis:connect', svc], { input: EVAL });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '42\n');
  });

  it('piped SQL runs in psql as the service\'s user on its database: SELECT 41+1 prints 42', () => {
    const r = berth.cli(['postgres:connect', pg], { input: 'SELECT 41+1 AS answer, current_user, current_database();\n' });
    assert.equal(r.code, 0, r.stderr);
    const db = pg.replace(/-/g, '_');
    assert.equal(r.stdout, ` answer | current_user | current_database \n--------+--------------+------------------\n     42 | berth        | ${db}\n(1 row)\n\n`);
  });

  it('a query\'s error reaches the user while the client still runs (psql\'s stderr is not held back until the end)', async () => {
    const cli = spawn(process.execPath, [path.join(ROOT, 'dist/app/cli/main.js'), 'postgres:connect', pg], {
      env: { ...process.env, ...berth.env, BERTH_URL: berth.url, BERTH_TOKEN: berth.token, NO_COLOR: '1' },
    });
    let out = '';
    cli.stdout.on('data', (c: Buffer) => { out += c.toString('utf8'); });
    cli.stderr.on('data', (c: Buffer) => { out += c.toString('utf8'); });
    const exited = new Promise<number | null>((resolve) => cli.on('close', resolve));
    try {
      cli.stdin.write('SELEC 1;\n');
      await waitFor('the syntax error while stdin is still open', () => out.includes('ERROR:  syntax error at or near "SELEC"'), 30_000);
      cli.stdin.end();
      assert.equal(await exited, 0, out);
    } finally {
      cli.kill();
    }
  });

  it('piped SQL runs in the mariadb client on the service\'s database: SELECT 41+1 prints 42', () => {
    const r = berth.cli(['mariadb:connect', my], { input: 'SELECT 41+1 AS answer, DATABASE();\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `answer\tDATABASE()\n42\t${my.replace(/-/g, '_')}\n`);
  });

  it('a viewer may not connect (FORBIDDEN)', async () => {
    const viewer = await berth.api('POST', '/api/v1/users', { name: uniqueName('view'), role: 'viewer' });
    assert.equal(viewer.status, 201, viewer.text);
    const refused = cliAs(viewer.json.token as string, ['redis:connect', svc, '--json'], EVAL);
    assert.equal(refused.code, 1, refused.stdout);
    assert.equal(refused.stdout, '');
    assert.equal(JSON.parse(refused.stderr).error.code, 'FORBIDDEN', refused.stderr);
  });

  it('a developer of another app may not connect to a service linked to theirs only (FORBIDDEN); linked to their app, they may', async () => {
    const refused = cliAs(devToken, ['redis:connect', svc, '--json'], EVAL);
    assert.equal(refused.code, 1, refused.stdout);
    assert.equal(refused.stdout, '');
    assert.equal(JSON.parse(refused.stderr).error.code, 'FORBIDDEN', refused.stderr);
    const linked = berth.cli(['redis:link', svc, mine]);
    assert.equal(linked.code, 0, linked.stderr);
    const allowed = cliAs(devToken, ['redis:connect', svc], EVAL);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(allowed.stdout, '42\n');
  });

  it('from a terminal (script gives the CLI a pty) redis-cli gets one: it prompts, answers a typed command as a terminal shows it, and quits', async () => {
    const cli = `${process.execPath} ${path.join(ROOT, 'dist/app/cli/main.js')} redis:connect ${svc}`;
    const child = spawn('script', ['-qfec', cli, '/dev/null'], {
      env: { ...process.env, ...berth.env, BERTH_URL: berth.url, BERTH_TOKEN: berth.token, NO_COLOR: '1', TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      // redis-cli's line editor asks a terminal where its cursor is (ESC[6n) before it prompts; answer as one would.
      if (c.includes('\x1b[6n')) child.stdin.write('\x1b[1;1R');
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // Piped (no terminal) redis-cli neither prompts nor types its answers: "42", not "(integer) 42".
      await waitFor('redis-cli\'s prompt', () => out.includes('> ')).catch((e: Error) => { throw new Error(`${e.message}; the terminal showed: ${JSON.stringify(out)}`); });
      child.stdin.write('EVAL "return 41+1" 0\r');
      await waitFor('the answer, as a terminal shows it', () => out.includes('(integer) 42'));
      child.stdin.write('quit\r');
      assert.equal(await exited, 0, out);
    } finally {
      child.kill();
    }
  });
});
