import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { uniqueName, type BerthProcess } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { waitFor } from '../support/poll';

/** Starts `git push` in the background; resolves with its exit code and output. */
function pushAsync(wt: WorkTree, berth: BerthProcess, app: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const url = berth.url.replace('http://', `http://berth:${berth.token}@`) + `/git/${app}.git`;
    const child = spawn('git', ['push', url, 'main'], { cwd: wt.dir, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

async function waitForStatus(berth: BerthProcess, app: string, status: string, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = await berth.api('GET', `/api/v1/apps/${app}/builds`);
    const b = r.json?.builds?.[0];
    if (b?.status === status) return b;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`no ${status} build of ${app} within ${timeoutMs} ms`);
}

// The app's name in the step keeps BuildKit's cache (shared by every berth on this engine) from
// answering it: a `sleep 127` another run finished was CACHED, and the timeout test never saw it run.
const slowDockerfile = (seconds: number, app: string) =>
  `FROM berth/busybox:latest\nRUN echo "slow step starts for ${app}" && sleep ${seconds}\nCOPY www /www\nCOPY start.sh /start.sh\nCMD ["/bin/sh", "/start.sh"]\n`;

describe('build control: cancel, timeout, crash recovery', function () {
  this.timeout(300_000);
  const trees: WorkTree[] = [];
  const tree = () => { const t = WorkTree.fromFixture('dockerfile-app'); trees.push(t); return t; };

  after(async () => {
    trees.forEach((t) => t.remove());
  });
  const berth = useBerth({ BERTH_BUILD_TIMEOUT: '20' });

  it('builds:cancel stops a running build; the push fails saying so', async () => {
    const app = uniqueName('cancel');
    const wt = tree();
    wt.write('Dockerfile', slowDockerfile(60, app));
    wt.commitAll('slow');
    const pushing = pushAsync(wt, berth, app);
    const running = await waitForStatus(berth, app, 'running');
    // Cancel while docker is inside the slow step (not before the build reached docker).
    await waitFor('the slow step to start', async () =>
      /slow step starts/.test((await berth.api('GET', `/api/v1/apps/${app}/builds/${running.id}/log`)).text));
    const cancel = await berth.api('POST', `/api/v1/apps/${app}/builds/cancel`);
    assert.equal(cancel.status, 202, cancel.text);
    const pushed = await pushing;
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /^remote: !     Build cancelled\.\s*$/m, pushed.output);
    assert.equal((await waitForStatus(berth, app, 'cancelled')).status, 'cancelled');
    const again = await berth.api('POST', `/api/v1/apps/${app}/builds/cancel`);
    assert.equal(again.json.error.code, 'NO_BUILD_RUNNING');
  });

  it('stops a build that runs past BERTH_BUILD_TIMEOUT', async () => {
    const app = uniqueName('timeout');
    const wt = tree();
    wt.write('Dockerfile', slowDockerfile(127, app));
    wt.commitAll('too slow');
    // The slow step's own process, seen in the host's process table: BuildKit runs a step without a
    // docker container (the legacy builder's would show in docker ps), either way its `sleep 127` is here.
    const stepRunning = () => readdirSync('/proc').filter((d) => /^\d+$/.test(d)).some((pid) => {
      try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8') === 'sleep\u0000127\u0000'; } catch { return false; }
    });
    const pushing = pushAsync(wt, berth, app);
    await waitFor('the slow step\'s build container', stepRunning, 60_000);
    const pushed = await pushing;
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /longer than 20 s/);
    // Stopped, not waited out: the step's container goes (it would sleep on for 100 s more).
    await waitFor('the slow step\'s build container to go', () => !stepRunning(), 30_000);
    const build = (await berth.api('GET', `/api/v1/apps/${app}/builds/latest`)).json.build;
    assert.equal(build.status, 'failed');
    assert.match(build.error, /BUILD_TIMEOUT/);
  });

  it('after a crash mid-build, the build is marked failed and the next push deploys', async () => {
    const app = uniqueName('crash');
    const wt = tree();
    wt.write('Dockerfile', slowDockerfile(15, app));
    wt.commitAll('slow');
    const pushing = pushAsync(wt, berth, app);
    await waitForStatus(berth, app, 'running');
    berth.kill();
    const interrupted = await pushing;
    assert.notEqual(interrupted.code, 0);
    await berth.start();
    const failed = (await berth.api('GET', `/api/v1/apps/${app}/builds/latest`)).json.build;
    assert.equal(failed.status, 'failed');
    assert.match(failed.error, /berth stopped during this build/);

    wt.write('Dockerfile', slowDockerfile(0, app));
    wt.commitAll('fast');
    const pushed = await pushAsync(wt, berth, app);
    assert.equal(pushed.code, 0, pushed.output);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'dockerfile-app v1');
  });
});
