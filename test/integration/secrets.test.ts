import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

describe('secrets: config vars encrypted at rest, masked in logs and output', function () {
  this.timeout(300_000);
  let wt: WorkTree | null = null;
  const app = uniqueName('sec');
  const secret = `s3cr3t-${crypto.randomBytes(8).toString('hex')}`;

  after(() => { wt?.remove(); });
  const berth = useBerth();

  it('deploys with a secret used at build and run time, and no log file holds it', async () => {
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: app })).status, 201);
    const set = await berth.api('PATCH', `/api/v1/apps/${app}/config`, { set: { SECRET_TOKEN: secret, BERTH_BUILD_ARGS: 'SECRET_TOKEN' } });
    assert.equal(set.status, 200, set.text);
    wt = WorkTree.fromFixture('secret-echo-app');
    const push = wt.push(berth.url, berth.token, app);
    assert.equal(push.code, 0, push.output);
    assert.match(push.output, /build sees token=\*\*\*\*\*/, 'the build output is masked as it streams');
    assert.ok(!push.output.includes(secret));
    assert.equal((await berth.viaRouter(`${app}.localhost`, '/token-length.txt')).text.trim(), String(secret.length), 'the app got the value');
    const logs = filesUnder(path.join(berth.home, 'logs'));
    assert.ok(logs.length > 0, 'there are log files to check');
    for (const f of logs) assert.ok(!fs.readFileSync(f, 'latin1').includes(secret), `${f} holds the secret`);
  });

  it('keeps values encrypted in the database, with a 0600 key file', () => {
    const key = path.join(berth.home, 'secret.key');
    assert.equal(fs.statSync(key).mode & 0o777, 0o600);
    const stateFiles = filesUnder(berth.home).filter((f) => /\.db(-wal|-shm)?$/.test(f) || /state/.test(f));
    assert.ok(stateFiles.length > 0);
    for (const f of stateFiles) assert.ok(!fs.readFileSync(f, 'latin1').includes(secret), `${f} holds the secret in the clear`);
  });

  it('config:show masks values unless --reveal; config:get prints one', () => {
    const shown = berth.cli(['config:show', app]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /SECRET_TOKEN/);
    assert.ok(!shown.stdout.includes(secret));
    assert.ok(!berth.cli(['config:show', app, '--json']).stdout.includes(secret));
    assert.ok(berth.cli(['config:show', app, '--reveal']).stdout.includes(secret));
    assert.equal(berth.cli(['config:get', app, 'SECRET_TOKEN']).stdout.trim(), secret);
  });
});
