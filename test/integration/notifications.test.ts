import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { uniqueName } from '../support/berth-process';
import { WorkTree } from '../support/git-client';
import { waitFor } from '../support/poll';
import { useBerth } from '../support/use-berth';

interface Received { readonly headers: http.IncomingHttpHeaders; readonly raw: string; readonly json: any }

/** An HTTP receiver on loopback that keeps every POST (a webhook's or Slack's). */
class Receiver {
  readonly got: Received[] = [];
  private server: http.Server | null = null;
  constructor(public port = 0) {}
  async start(): Promise<this> {
    const server = http.createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => { raw += c; });
      req.on('end', () => { this.got.push({ headers: req.headers, raw, json: JSON.parse(raw) }); res.end('ok'); });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }
  get url(): string { return `http://127.0.0.1:${this.port}/hook`; }
  async stop(): Promise<void> { await new Promise((r) => this.server?.close(r)); this.server = null; }
}

/** A port nothing listens on (yet): taken from the kernel, then let go. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

interface Mail { readonly to: string[]; readonly text: string }

/** A failing build: berth's own busybox image, a step that exits 7. */
const BROKEN = 'FROM berth/busybox:latest\nRUN echo "no such step" && exit 7\n';

/**
 * Notifications (docs/notifications.md) against receivers this test starts on loopback: a generic
 * webhook (signature checked), a Slack-format receiver (global target) and a local SMTP server.
 */
describe('notifications: a deploy reaches webhook, Slack and SMTP receivers once, with the build link; a receiver that is down is retried', function () {
  this.timeout(240_000);
  const berth = useBerth({ BERTH_NOTIFY_BACKOFF_MS: '300', BERTH_NOTIFY_ATTEMPTS: '8' });
  const failing = uniqueName('notify');
  const later = uniqueName('notify-down');
  const refusing = uniqueName('notify-refuse');
  const webhook = new Receiver();
  const slack = new Receiver();
  const mails: Mail[] = [];
  const trees: WorkTree[] = [];
  let smtp: SMTPServer;
  let smtpPort = 0;

  before(async () => {
    await webhook.start();
    await slack.start();
    smtp = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
      onData(stream, session, done) {
        let text = '';
        stream.setEncoding('utf8');
        stream.on('data', (c: string) => { text += c; });
        stream.on('end', () => { mails.push({ to: session.envelope.rcptTo.map((r) => r.address), text }); done(); });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    for (const app of [failing, later, refusing]) assert.equal((await berth.api('POST', '/api/v1/apps', { name: app })).status, 201);
  });
  after(async () => {
    trees.forEach((t) => t.remove());
    await webhook.stop();
    await slack.stop();
    await new Promise<void>((r) => { if (smtp) smtp.close(() => r()); else r(); });
  });

  it('refuses targets that are not http(s)/mailto, or reach berth itself, link-local or metadata addresses, with their codes', async () => {
    const add = (url: string) => berth.api('POST', `/api/v1/apps/${refusing}/notifications`, { url });
    const answers = async (urls: string[]) => Promise.all(urls.map(async (u) => { const r = await add(u); return [u, r.status, r.json.error?.code]; }));
    assert.deepEqual(await answers(['file:///etc/passwd', 'gopher://127.0.0.1:70/x', 'ftp://example.com/']), [
      ['file:///etc/passwd', 422, 'INVALID_NOTIFICATION_TARGET'], ['gopher://127.0.0.1:70/x', 422, 'INVALID_NOTIFICATION_TARGET'],
      ['ftp://example.com/', 422, 'INVALID_NOTIFICATION_TARGET'],
    ]);
    const forbidden = [
      'http://169.254.169.254/latest/meta-data/', 'http://[fe80::1]/x', 'http://[::ffff:169.254.169.254]/',
      `http://127.0.0.1:${berth.port}/api/v1/apps`, `http://localhost:${berth.port}/api/v1/apps`, `http://127.0.0.1:${berth.routerPort}/`,
      'http://127.0.0.1:6379/', 'http://0.0.0.0:8080/',
    ];
    assert.deepEqual(await answers(forbidden), forbidden.map((u) => [u, 422, 'NOTIFICATION_TARGET_FORBIDDEN']));
    const listed = await berth.api('GET', `/api/v1/apps/${refusing}/notifications`);
    assert.deepEqual(listed.json.targets, []);
  });

  it('a developer adds targets only to apps they may deploy and never global ones; a viewer sees no secret and no URL', async () => {
    const dev = await berth.api('POST', '/api/v1/users', { name: uniqueName('dev'), role: 'developer' });
    const viewer = await berth.api('POST', '/api/v1/users', { name: uniqueName('viewer'), role: 'viewer' });
    const own = await berth.api('POST', '/api/v1/apps', { name: uniqueName('devapp') });
    assert.equal(own.status, 201, own.text);
    const collaborator = await berth.api('POST', `/api/v1/apps/${own.json.app.name}/collaborators`, { user: dev.json.user.name });
    assert.equal(collaborator.status, 201, collaborator.text);
    const theirs = await berth.api('POST', `/api/v1/apps/${failing}/notifications`, { url: webhook.url }, dev.json.token);
    assert.deepEqual([theirs.status, theirs.json.error.code], [403, 'FORBIDDEN']);
    const global = await berth.api('POST', '/api/v1/notifications', { url: webhook.url }, dev.json.token);
    assert.deepEqual([global.status, global.json.error.code], [403, 'FORBIDDEN']);
    const mine = await berth.api('POST', `/api/v1/apps/${own.json.app.name}/notifications`, { url: `${webhook.url}/dev?key=s3cret-path` }, dev.json.token);
    assert.equal(mine.status, 201, mine.text);
    assert.match(mine.json.secret, /^[0-9a-f]{64}$/);
    const byViewer = await berth.api('GET', '/api/v1/apps', undefined, viewer.json.token);
    assert.equal(byViewer.status, 200);
    const seen = await berth.api('GET', `/api/v1/apps/${own.json.app.name}/notifications`, undefined, viewer.json.token);
    assert.equal(seen.status, 200, seen.text);
    assert.equal(seen.json.targets[0].url, `http://127.0.0.1:${webhook.port}/[hidden]`);
    assert.doesNotMatch(seen.text, new RegExp(`${mine.json.secret}|s3cret-path|"secret"`));
    const byDev = await berth.api('GET', `/api/v1/apps/${own.json.app.name}/notifications`, undefined, dev.json.token);
    assert.equal(byDev.json.targets[0].url, `${webhook.url}/dev?key=s3cret-path`);
    assert.doesNotMatch(byDev.text, new RegExp(`${mine.json.secret}|"secret"`));
    const removed = await berth.api('DELETE', `/api/v1/apps/${own.json.app.name}/notifications/${mine.json.target.id}`, undefined, viewer.json.token);
    assert.deepEqual([removed.status, removed.json.error.code], [403, 'FORBIDDEN']);
  });

  it('a failed deploy reaches the webhook (signature verified), Slack and SMTP receivers exactly once, with the build link', async () => {
    const smtpSet = berth.cli(['notifications:smtp', `smtp://127.0.0.1:${smtpPort}`, '--from', 'berth@example.test']);
    assert.equal(smtpSet.code, 0, smtpSet.stderr);
    const added = berth.cli(['notifications:add', failing, webhook.url]);
    assert.equal(added.code, 0, added.stderr);
    const secret = added.stdout.trim().split('\n').at(-1)!;
    assert.match(secret, /^[0-9a-f]{64}$/);
    assert.equal(berth.cli(['notifications:add', '--global', slack.url, '--type', 'slack']).code, 0);
    assert.equal(berth.cli(['notifications:add', failing, 'mailto:ops@example.test']).code, 0);

    const tree = WorkTree.fromFixture('dockerfile-app');
    trees.push(tree);
    tree.write('Dockerfile', BROKEN);
    tree.commitAll('broken build');
    const pushed = tree.push(berth.url, berth.token, failing);
    assert.notEqual(pushed.code, 0, pushed.output);
    const build = (await berth.api('GET', `/api/v1/apps/${failing}/builds`)).json.builds[0];
    assert.equal(build.status, 'failed');
    const link = `${berth.url}/apps/${failing}/builds/${build.id}`;

    // Each target has delivered deploy.started and deploy.failed, and none failed or waits for a retry.
    const listed = await waitFor('both deliveries to every target', async () => {
      const [own, global] = await Promise.all([berth.api('GET', `/api/v1/apps/${failing}/notifications`), berth.api('GET', '/api/v1/notifications')]);
      const all = [...own.json.targets, ...global.json.targets];
      return all.length === 3 && all.every((t) => t.delivered === 2 && t.lastStatus === 'delivered') ? all : null;
    }, 60_000);
    assert.deepEqual(listed!.map((t) => [t.type, t.failed, t.lastEvent]), [['webhook', 0, 'deploy.failed'], ['email', 0, 'deploy.failed'], ['slack', 0, 'deploy.failed']]);

    const hooks = webhook.got.filter((g) => g.json.event === 'deploy.failed');
    assert.equal(hooks.length, 1);
    const [hook] = hooks;
    const expected = `sha256=${crypto.createHmac('sha256', secret).update(hook.raw).digest('hex')}`;
    assert.equal(hook.headers['x-berth-signature-256'], expected);
    assert.equal(hook.headers['x-berth-event'], 'deploy.failed');
    assert.deepEqual([hook.json.app, hook.json.link, hook.json.data.build, hook.json.text], [failing, link, build.id, `${failing}: deploy failed (build ${build.id})`]);
    assert.match(hook.json.detail, /^BUILD_FAILED: /);
    assert.equal(webhook.got.filter((g) => g.json.event === 'deploy.started').length, 1);

    const slacks = slack.got.filter((g) => g.json.text.startsWith(`${failing}: deploy failed`));
    assert.equal(slacks.length, 1);
    assert.equal(slacks[0].json.text, `${failing}: deploy failed (build ${build.id}) ${link}`);
    assert.deepEqual(slacks[0].json.blocks[1], { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Build log' }, url: link }] });

    const failedMails = mails.filter((m) => /^Subject: \[berth\] .* deploy failed/m.test(m.text));
    assert.equal(failedMails.length, 1);
    assert.deepEqual(failedMails[0].to, ['ops@example.test']);
    assert.match(failedMails[0].text, new RegExp(`^Subject: \\[berth\\] ${failing}: deploy failed \\(build ${build.id}\\)$`, 'm'));
    assert.ok(failedMails[0].text.replace(/=\r?\n/g, '').includes(`Build log: ${link}`), failedMails[0].text);

    const list = berth.cli(['notifications:list', failing]);
    assert.match(list.stdout, new RegExp(`^\\d+\\s+webhook\\s+${webhook.url.replace(/[.]/g, '\\.')}\\s+2\\s+0\\s+delivered \\(deploy\\.failed\\) at `, 'm'));
    assert.doesNotMatch(list.stdout, new RegExp(secret));
  });

  it('notifications:test sends a test notification to one target, and only to it', async () => {
    const global = (await berth.api('GET', '/api/v1/notifications')).json.targets[0];
    const before = webhook.got.length;
    const r = berth.cli(['notifications:test', '--global', String(global.id)]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^-----> Test notification queued \(delivery [0-9a-f-]{36}\)$/m);
    const got = await waitFor('the test notification', () => slack.got.find((g) => g.json.text === 'berth: test notification from admin'), 30_000);
    assert.equal(got!.json.blocks.length, 1);
    const after = await waitFor('its delivery recorded', async () => {
      const t = (await berth.api('GET', '/api/v1/notifications')).json.targets[0];
      return t.lastEvent === 'notification.test' && t.lastStatus === 'delivered' ? t : null;
    }, 30_000);
    assert.equal(after.delivered, global.delivered + 1);
    assert.equal(webhook.got.length, before);
  });

  it('a receiver that is down gets retried until it answers; the deploy succeeds and serves meanwhile', async () => {
    const down = new Receiver(await closedPort());
    const added = await berth.api('POST', `/api/v1/apps/${later}/notifications`, { url: down.url });
    assert.equal(added.status, 201, added.text);

    const tree = WorkTree.fromFixture('dockerfile-app');
    trees.push(tree);
    const pushed = tree.push(berth.url, berth.token, later);
    assert.equal(pushed.code, 0, pushed.output);
    assert.equal((await berth.viaRouter(`${later}.localhost`)).text.trim(), 'dockerfile-app v1');

    const retrying = await waitFor('a failed attempt to the receiver that is down', async () => {
      const t = (await berth.api('GET', `/api/v1/apps/${later}/notifications`)).json.targets[0];
      return t.lastStatus === 'retrying' ? t : null;
    }, 30_000);
    assert.match(retrying.lastError, /^attempt \d: .*ECONNREFUSED/);
    await down.start();
    try {
      const done = await waitFor('both deliveries once the receiver is up', async () => {
        const t = (await berth.api('GET', `/api/v1/apps/${later}/notifications`)).json.targets[0];
        return t.delivered === 2 && t.lastStatus === 'delivered' ? t : null;
      }, 90_000);
      assert.equal(done.failed, 0);
      assert.deepEqual(down.got.map((g) => g.json.event).sort(), ['deploy.started', 'deploy.succeeded']);
      const build = (await berth.api('GET', `/api/v1/apps/${later}/builds`)).json.builds[0];
      assert.deepEqual([build.status, down.got.find((g) => g.json.event === 'deploy.succeeded')!.json.link], ['succeeded', `${berth.url}/apps/${later}/builds/${build.id}`]);
    } finally {
      await down.stop();
    }
  });
});
