import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ownImageLabel } from '../support/app-images';
import { BerthProcess, ROOT } from '../support/berth-process';
import { NetnsHost } from '../support/netns-host';
import { requireBerthStack } from '../support/requirements';
import { waitFor } from '../support/poll';
import { request } from '../integration/router-support';

const MAIN = path.join(ROOT, 'dist/app/main.js');
/** Inside the host's own network namespace every port is free: fixed ones, as a real host's. */
const PORTS = { api: 8380, http: 8080, https: 8443, redis: 6390 };
const APPS = { scaled: 'rb-scaled', plain: 'rb-plain', once: 'rb-once', resting: 'rb-resting' } as const;
const DOMAIN = 'secure.reboot.test';

/**
 * A reboot, simulated on a whole host of berth's own: dockerd (own data-root, in a network
 * namespace), redis-server, berth and the nginx it starts all run in one cgroup; power-off freezes
 * and SIGKILLs all of them (and the app containers), then dockerd, redis and berth are started again
 * as a host's boot would. The machine's shared dockerd, Redis and nginx are not touched.
 */
describe('fault: reboot (every daemon SIGKILLed, then started again, berth first): every app answers within 60 s, in the state it had', function () {
  this.timeout(600_000);
  let host: NetnsHost;
  let berth: BerthProcess;
  let home: string;
  let env: Record<string, string>;
  let cert: { file: string; key: string; fingerprint: string };

  const berthLog = () => fs.readFileSync(path.join(host.dir, 'berth.log'), 'utf8');
  const startRedis = async () => {
    host.spawnDaemon('redis-server', ['--port', String(PORTS.redis), '--bind', '127.0.0.1', '--dir', path.join(host.dir, 'redis'),
      '--appendonly', 'yes', '--save', '', '--daemonize', 'no'], { env: process.env, log: path.join(host.dir, 'redis.log') });
    await waitFor('redis-server to answer', () => host.runInside('redis-cli', ['-p', String(PORTS.redis), 'ping']).stdout.trim() === 'PONG', 30_000);
  };
  const spawnBerth = () => host.spawnDaemon(process.execPath, [MAIN, 'start'], { env: { ...process.env, ...env }, log: path.join(host.dir, 'berth.log'), cwd: ROOT });
  const berthAnswers = (ms: number) => waitFor('berth to answer /healthz', async () => (await berth.api('GET', '/healthz').catch(() => ({ status: 0 }))).status === 200, ms)
    .catch((e: Error) => { throw new Error(`${e.message}\n${berthLog().slice(-3000)}`); });

  const containers = (app: string, all = false) => host.docker('ps', ...(all ? ['-a'] : []), '-q', '--filter', `label=berth.app=${app}`)
    .stdout.split(/\s+/).filter(Boolean);
  const answer = (app: string) => berth.viaRouter(`${app}.localhost`).catch((e: Error) => ({ status: 0, text: e.message }));

  before(async () => {
    requireBerthStack();
    host = new NetnsHost();
    await host.boot();
    // nginx's unprivileged workers read berth's pages under the home.
    fs.chmodSync(host.dir, 0o755);
    home = path.join(host.dir, 'home');
    fs.mkdirSync(home, { mode: 0o755 });
    fs.mkdirSync(path.join(host.dir, 'redis'));
    const load = spawnSync('sh', ['-c', 'docker save berth/busybox:latest | docker -H "unix://$0" load', host.socket], { encoding: 'utf8' });
    assert.equal(load.status, 0, load.stderr);
    env = {
      BERTH_HOME: home, BERTH_HOST: '0.0.0.0', BERTH_PORT: String(PORTS.api), BERTH_ROUTER_PORT: String(PORTS.http),
      BERTH_ROUTER_HTTPS_PORT: String(PORTS.https), REDIS_URL: `redis://127.0.0.1:${PORTS.redis}`, DOCKER_SOCKET: host.socket,
      BERTH_NETWORK: 'berth-reboot', BERTH_REDIS_PREFIX: 'berth-reboot', BERTH_SSH_PORT: '0', BERTH_RECONCILE_INTERVAL: '2',
      BERTH_RETIRE_WAIT: '1', BERTH_STOP_TIMEOUT: '10', BERTH_BOOT_ID_FILE: host.bootIdFile,
    };
    berth = new BerthProcess(home, env);
    berth.address = host.nsAddr;
    const boot = host.runInside(process.execPath, [MAIN, 'admin:bootstrap'], { ...process.env, ...env });
    assert.equal(boot.status, 0, boot.stderr);
    berth.token = JSON.parse(boot.stdout.trim().split('\n').pop()!).token;
    await startRedis();
    spawnBerth();
    await berthAnswers(60_000);

    const key = path.join(host.dir, 'tls.key');
    const file = path.join(host.dir, 'tls.crt');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key,
      '-out', file, '-days', '30', '-subj', `/CN=${DOMAIN}`, '-addext', `subjectAltName=DNS:${DOMAIN}`], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    cert = { file, key, fingerprint: new crypto.X509Certificate(fs.readFileSync(file)).fingerprint256 };
  });

  after(async () => { await host?.destroy(); });

  it('after a power-off and boot, the scaled app (2 web, domain, TLS), a plain one and a restart-policy no one answer within 60 s; the stopped one stays stopped', async () => {
    for (const app of Object.values(APPS)) {
      const dir = fs.mkdtempSync(path.join(host.dir, 'img-'));
      fs.mkdirSync(path.join(dir, 'www'));
      fs.writeFileSync(path.join(dir, 'www', 'index.html'), `${app} answers\n`);
      fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM berth/busybox:latest\n${ownImageLabel(app)}COPY www /www\nEXPOSE 8000\nCMD ["httpd", "-f", "-p", "8000", "-h", "/www"]\n`);
      const built = host.docker('build', '-q', '-t', `reboot/${app}:1`, dir);
      assert.equal(built.status, 0, built.stderr);
      assert.equal(berth.cli(['apps:create', app]).code, 0);
      if (app === APPS.once) assert.equal(berth.cli(['ps:set', app, 'restart-policy', 'no']).code, 0);
      const deployed = berth.cli(['apps:deploy-image', app, `reboot/${app}:1`]);
      assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
    }
    const scaled = berth.cli(['ps:scale', APPS.scaled, 'web=2']);
    assert.equal(scaled.code, 0, scaled.stderr);
    assert.equal(berth.cli(['domains:add', APPS.scaled, DOMAIN]).code, 0);
    const added = berth.cli(['certs:add', APPS.scaled, cert.file, cert.key]);
    assert.equal(added.code, 0, added.stderr);
    assert.equal(berth.cli(['ps:stop', APPS.resting]).code, 0);
    // dockerd does not start a `no` container at boot; it ran before, so berth does.
    assert.equal(host.docker('inspect', '-f', '{{.HostConfig.RestartPolicy.Name}}', ...containers(APPS.once)).stdout.trim(), 'no');

    const secure = () => request({ port: PORTS.https, host: DOMAIN, tls: true, address: host.nsAddr }).catch((e: Error) => ({ status: 0, text: e.message, peer: undefined }));
    let last: string[] = [];
    const serving = async () => {
      // With its certificate, the scaled app's plain HTTP redirects to HTTPS.
      last = [(await answer(APPS.plain)).text, (await answer(APPS.once)).text, (await secure()).text];
      return JSON.stringify(last) === JSON.stringify([`${APPS.plain} answers\n`, `${APPS.once} answers\n`, `${APPS.scaled} answers\n`]);
    };
    const why = (e: Error) => { throw new Error(`${e.message}; last answers: ${JSON.stringify(last)}`); };
    await waitFor('the apps to answer before the power-off', serving, 60_000).catch(why);
    const stoppedBefore = await answer(APPS.resting);
    assert.notEqual(stoppedBefore.text, `${APPS.resting} answers\n`);
    assert.equal(containers(APPS.scaled).length, 2);

    await host.powerOff();
    assert.equal((await answer(APPS.plain)).status, 0, 'nothing answers while the host is off');

    // The boot in the worst order: berth first (it waits for its engine and Redis), then redis, then dockerd.
    const booted = Date.now();
    const logged = berthLog().length;
    spawnBerth();
    await waitFor('berth to say it waits for dockerd and Redis', () => berthLog().slice(logged).includes('(BERTH_START_WAIT) for: '), 30_000);
    await startRedis();
    await host.startDockerdAgain();
    await berthAnswers(60_000);
    // A steady request loop: the seconds from boot until every app answers.
    await waitFor('every running app to answer through the router after the boot', serving, 60_000 - (Date.now() - booted)).catch(why);
    process.stdout.write(`      (every app answered ${Math.round((Date.now() - booted) / 1000)} s after the boot began)\n`);

    // In the state it had: the scale, the certificate for the domain, the stopped app stopped.
    assert.equal(containers(APPS.scaled).length, 2, 'two web containers, as scaled');
    assert.equal(containers(APPS.plain).length, 1);
    assert.equal(containers(APPS.once).length, 1, 'the restart-policy no app runs one container');
    assert.match(berthLog(), /the host booted since berth last ran/);
    assert.equal((await secure()).peer?.fingerprint256, cert.fingerprint, 'its own certificate for the domain');
    assert.deepEqual(containers(APPS.resting), [], 'the stopped app runs nothing');
    const stoppedAfter = await answer(APPS.resting);
    assert.deepEqual([stoppedAfter.status, stoppedAfter.text], [stoppedBefore.status, stoppedBefore.text]);
    const ps = JSON.parse(berth.cli(['ps:report', APPS.resting, '--json']).stdout);
    assert.equal(ps.report.status, 'stopped');
  });
});
