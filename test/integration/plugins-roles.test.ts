import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BerthProcess, uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { removeAppImages } from './services-support';

/** A plugin folder whose release:env hook gives containers one variable. */
function envPlugin(root: string, id: string, name: string, value: string): string {
  const dir = path.join(root, id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'plugin.json'), JSON.stringify({ id, version: '1.0.0', berth: '^0.1' }));
  fs.writeFileSync(path.join(dir, 'index.js'),
    `module.exports = { register(ctx) { ctx.hooks.on('release:env', () => ({ ${name}: ${JSON.stringify(value)} })); } };`);
  return dir;
}

/**
 * Web and worker as separate processes (the Procfile): plugins:enable|disable|install reach the
 * web process, yet the worker, which builds and starts containers, must act on them at once.
 */
describe('plugins: web and worker processes share plugin state', function () {
  this.timeout(600_000);
  let worker: BerthProcess;
  let wt: WorkTree;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-plugins-roles-'));
  const app = uniqueName('plr');

  after(async () => {
    wt?.remove();
    await worker?.stop();
  });
  // The web role alone; its worker runs on the same home as a second process, as the Procfile splits them.
  const web = useBerth({ BERTH_PLUGINS_PATH: path.join(tmp, 'extra') }, {
    role: 'web',
    setUp: () => envPlugin(path.join(tmp, 'extra'), 'greeter', 'GREETING', 'hello from greeter'),
  });
  before(async () => {
    worker = new BerthProcess(web.home, web.env);
    await worker.start('worker');
    wt = WorkTree.fromFixture('service-client');
  });
  after(() => {
    removeAppImages([app]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const envOf = async (name: string) => {
    const r = await web.viaRouter(`${app}.localhost`, `/env/${name}`);
    return r.status === 200 ? r.text : `(${r.status})`;
  };

  it('runs the roles in two processes', () => {
    assert.match(web.output, /web listening on/);
    assert.doesNotMatch(web.output, /worker processing builds/);
    assert.match(worker.output, /worker processing builds/);
    assert.match(worker.output, /plugins: .*greeter@1\.0\.0.* loaded/);
  });

  it('a plugin disabled and one installed through the web process apply to the worker\'s next deploy', async () => {
    const off = web.cli(['plugins:disable', 'greeter']);
    assert.equal(off.code, 0, off.stderr);
    const inst = web.cli(['plugins:install', envPlugin(tmp, 'waver', 'WAVE', 'waved')]);
    assert.equal(inst.code, 0, inst.stderr);

    const push = wt.push(web.url, web.token, app);
    assert.equal(push.code, 0, push.output);
    assert.equal(await envOf('GREETING'), '(404)', 'the worker no longer runs the disabled plugin\'s hook');
    assert.equal(await envOf('WAVE'), 'waved', 'the worker runs the installed plugin\'s hook');
  });

  it('a plugin enabled through the web process applies to the worker\'s next deploy', async () => {
    const on = web.cli(['plugins:enable', 'greeter']);
    assert.equal(on.code, 0, on.stderr);
    wt.commitAll('deploy again');
    const push = wt.push(web.url, web.token, app);
    assert.equal(push.code, 0, push.output);
    assert.equal(await envOf('GREETING'), 'hello from greeter');
    assert.ok(worker.child && worker.child.exitCode === null, 'the same worker process, never restarted');
  });
});
