import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { uniqueName } from '../support/berth-process';
import { isStarted, useBerth } from '../support/use-berth';
import { waitFor } from '../support/poll';
import { WorkTree } from '../support/git-client';
import { SyslogTlsReceiver } from '../support/syslog-receiver';

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

interface Drain { url: string; status: { state: string; delivered: number; dropped: number; buffered: number; lastError: string | null } | null }

describe('log drains: an app\'s lines to a syslog TLS receiver in RFC 5424, through the receiver going down', function () {
  this.timeout(300_000);
  const app = uniqueName('drain');
  let dir = '';
  let wt: WorkTree;
  let receiver: SyslogTlsReceiver;
  let port = 0;
  let devToken = '';
  let viewerToken = '';
  after(async () => {
    await receiver?.close();
    wt?.remove();
    if (isStarted(berth)) berth.cli(['apps:destroy', app, '--confirm', app]);
    const images = spawnSync('docker', ['images', '-q', `berth/${app}`], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
    if (images.length) spawnSync('docker', ['rmi', '-f', ...images]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  // berth trusts the test CA through Node's NODE_EXTRA_CA_CERTS; a drain holds 10 lines while its receiver is down.
  const berth = useBerth(() => ({ NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem'), BERTH_LOG_DRAIN_BUFFER: '10' }), { setUp: () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-drain-'));
    const f = (n: string) => path.join(dir, n);
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=berth test syslog CA']);
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('syslog.key'), '-out', f('syslog.csr'), '-subj', '/CN=localhost']);
    fs.writeFileSync(f('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    openssl(['x509', '-req', '-in', f('syslog.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('syslog.crt'), '-days', '2', '-extfile', f('ext.cnf')]);
  } });
  before(async () => {
    receiver = new SyslogTlsReceiver({ keyFile: path.join(dir, 'syslog.key'), certFile: path.join(dir, 'syslog.crt') });
    port = await receiver.listen();
    wt = WorkTree.fromFixture('oneoff-app');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    // The worker writes a line a second.
    const scaled = berth.cli(['ps:scale', app, 'worker=1']);
    assert.equal(scaled.code, 0, scaled.stderr + scaled.stdout);
    const dev = await berth.api('POST', '/api/v1/users', { name: uniqueName('dev').replace('-', ''), role: 'developer' });
    devToken = dev.json.token;
    assert.equal((await berth.api('POST', `/api/v1/apps/${app}/collaborators`, { user: dev.json.user.name })).status, 201);
    viewerToken = (await berth.api('POST', '/api/v1/users', { name: uniqueName('view').replace('-', ''), role: 'viewer' })).json.token;
  });

  const drains = async (): Promise<Drain[]> => (await berth.api('GET', `/api/v1/apps/${app}/log-drains`)).json.drains;
  const ticks = (): number[] => receiver.messages.filter((m) => m.procId === 'worker.1').map((m) => Number(/^worker tick (\d+)$/.exec(m.msg)?.[1])).filter((n) => n > 0);

  it('forwards the app\'s lines as RFC 5424 messages, octet-counted, over TLS', async () => {
    const added = berth.cli(['logs:drain-add', app, `syslog+tls://localhost:${port}`]);
    assert.equal(added.code, 0, added.stderr);
    assert.equal(added.stdout, `-----> Draining ${app} to syslog+tls://localhost:${port}\n`);
    await waitFor('worker lines at the receiver', () => ticks().length >= 3, 60_000);
    const m = receiver.messages.find((x) => x.procId === 'worker.1')!;
    assert.equal(m.pri, 14, 'facility user, severity info');
    assert.equal(m.appName, app);
    assert.equal(m.hostname, os.hostname());
    assert.equal(m.msgId, '-');
    assert.equal(m.structuredData, '-');
    assert.match(m.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.ok(Math.abs(Date.parse(m.timestamp) - Date.now()) < 300_000, m.timestamp);
    const seen = ticks();
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'in order');
    assert.deepEqual(receiver.errors, []);
    const [d] = await drains();
    assert.equal(d!.status!.state, 'connected');
    assert.ok(d!.status!.delivered >= 3);
  });

  it('with the receiver down for 30 s the app keeps serving and the drain counts dropped lines; then it resumes', async () => {
    await receiver.close();
    const lastBefore = Math.max(...ticks());
    const downAt = Date.now();
    let served = 0;
    // The scenario's length (30 s down), not a synchronisation: the app is asked all along.
    const down = await waitFor('30 s down with dropped lines counted', async () => {
      const res = await berth.viaRouter(`${app}.localhost`);
      assert.equal(res.status, 200, `the app stopped serving while its drain was down: ${res.status} ${res.text}`);
      served += 1;
      const [d] = await drains();
      return Date.now() - downAt >= 30_000 && d!.status!.state === 'down' && d!.status!.dropped > 0 ? d! : null;
    }, 120_000);
    const during = down!;
    assert.ok(served >= 10, `asked ${served} times`);
    assert.equal(during.status!.buffered, 10, 'the buffer holds BERTH_LOG_DRAIN_BUFFER lines');
    assert.match(during.status!.lastError ?? '', /ECONNREFUSED|closed/);
    const listed = berth.cli(['logs:drain-list', app]);
    assert.match(listed.stdout, new RegExp(`^syslog\\+tls://localhost:${port}\\s+down\\s+\\d+\\s+[1-9]\\d*\\s+10\\s`, 'm'));

    const dropped = during.status!.dropped;
    await receiver.listen(port);
    const newest = await waitFor('newer lines after the receiver is back', () => (Math.max(...ticks()) > lastBefore + 30 ? Math.max(...ticks()) : 0), 60_000);
    assert.ok(newest > lastBefore);
    const [after] = await drains();
    assert.equal(after!.status!.state, 'connected');
    assert.ok(after!.status!.dropped >= dropped, 'drops stay counted');
    // What came after the reconnect is whole: the held lines (the newest 10 of the outage) and then each tick.
    const back = ticks().filter((n) => n > lastBefore);
    assert.ok(back[0]! > lastBefore + 1, `the oldest lines of the outage were dropped, not sent: ${back.slice(0, 12).join(',')}`);
    assert.deepEqual(receiver.errors, []);
  });

  it('refuses drains to berth\'s own ports, link-local addresses, this host for a developer, and bad URLs, with their codes', async () => {
    const add = (url: string, token?: string) => berth.api('POST', `/api/v1/apps/${app}/log-drains`, { url }, token);
    const cases: Array<[string, string | undefined, number, string]> = [
      [`syslog://127.0.0.1:${berth.port}`, undefined, 403, 'LOG_DRAIN_OWN_PORT'],
      [`syslog://localhost:${berth.routerPort}`, undefined, 403, 'LOG_DRAIN_OWN_PORT'],
      ['syslog://127.0.0.1:6379', undefined, 403, 'LOG_DRAIN_OWN_PORT'],
      ['syslog://169.254.169.254:514', undefined, 403, 'LOG_DRAIN_LINK_LOCAL'],
      ['https://[fe80::1]/logs', undefined, 403, 'LOG_DRAIN_LINK_LOCAL'],
      [`syslog+tls://localhost:${port}`, devToken, 403, 'LOG_DRAIN_PRIVATE'],
      ['syslog://10.1.2.3:514', devToken, 403, 'LOG_DRAIN_PRIVATE'],
      ['ftp://example.com/x', undefined, 422, 'INVALID_LOG_DRAIN_URL'],
      ['syslog://user:pw@example.com:514', undefined, 422, 'INVALID_LOG_DRAIN_URL'],
      [`syslog+tls://localhost:${port}`, undefined, 409, 'LOG_DRAIN_EXISTS'],
    ];
    for (const [url, token, status, code] of cases) {
      const res = await add(url, token);
      assert.equal(res.status, status, `${url}: ${res.text}`);
      assert.equal(res.json.error.code, code, url);
    }
    const viewerAdds = await add('https://example.com/x', viewerToken);
    assert.equal(viewerAdds.status, 403);
    const devGlobal = await berth.api('POST', '/api/v1/log-drains', { url: 'https://example.com/x' }, devToken);
    assert.equal(devGlobal.status, 403);
    assert.equal(devGlobal.json.error.code, 'FORBIDDEN');
    const devListsGlobal = await berth.api('GET', '/api/v1/log-drains', undefined, devToken);
    assert.equal(devListsGlobal.status, 403);
    assert.equal((await drains()).length, 1, 'nothing refused was stored');
  });

  it('logs:drain-remove stops it', async () => {
    const removed = berth.cli(['logs:drain-remove', app, `syslog+tls://localhost:${port}`]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(await drains(), []);
    const missing = berth.cli(['logs:drain-remove', app, `syslog+tls://localhost:${port}`]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, `!     ${app} has no drain syslog+tls://localhost:${port}; \`berth logs:drain-list ${app}\` shows them.\n`);
  });
});
