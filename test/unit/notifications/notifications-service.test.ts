import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { EventsService } from '../../../app/events';
import { NotificationsService, SIGNATURE_HEADER, type NotificationEvent } from '../../../app/notifications';
import type { NotificationDelivery, NotificationQueue, NotificationSenders, NotificationTargetRecord, NotificationsStore, SmtpSettings } from '../../../app/ports/notifications';

/** Targets in memory, as the SQLite store keeps them. */
function memoryStore(): NotificationsStore & { rows: NotificationTargetRecord[] } {
  const rows: NotificationTargetRecord[] = [];
  let smtp: SmtpSettings | null = null;
  return {
    rows,
    add(t) {
      const r: NotificationTargetRecord = { ...t, id: rows.length + 1, createdAt: 'now', lastStatus: 'never', lastAt: null, lastEvent: null, lastError: null, delivered: 0, failed: 0 };
      rows.push(r);
      return r;
    },
    get: (id) => rows.find((r) => r.id === id) ?? null,
    list: (app) => rows.filter((r) => r.app === app),
    remove: (id) => { const i = rows.findIndex((r) => r.id === id); if (i >= 0) rows.splice(i, 1); return i >= 0; },
    recordAttempt(id, a) {
      const i = rows.findIndex((r) => r.id === id);
      const r = rows[i];
      rows[i] = { ...r, lastStatus: a.status, lastEvent: a.event, lastError: a.error, delivered: r.delivered + (a.status === 'delivered' ? 1 : 0), failed: r.failed + (a.status === 'failed' ? 1 : 0) };
    },
    smtp: () => smtp,
    setSmtp: (s) => { smtp = s; },
  };
}

const FAILED: NotificationEvent = { kind: 'deploy.failed', app: 'web', build: 7, error: 'BUILD_FAILED: exit 7', link: 'http://berth.test/apps/web/builds/7' };

function setUp(o: { enqueue?: () => Promise<void> } = {}) {
  const store = memoryStore();
  const queued: NotificationDelivery<NotificationEvent>[] = [];
  const posts: Array<{ url: string; body: string; headers: Record<string, string> }> = [];
  const mails: Array<{ to: readonly string[]; subject: string; text: string }> = [];
  let postFails = false;
  const queue: NotificationQueue<NotificationEvent> = {
    enqueue: o.enqueue ?? (async (d) => { queued.push(d); }),
    startWorker: async () => undefined, pending: async () => queued.length, close: async () => undefined,
  };
  const senders: NotificationSenders = {
    post: async (url, body, headers) => { if (postFails) throw new Error('connect ECONNREFUSED'); posts.push({ url, body, headers: { ...headers } }); },
    sendMail: async (_smtp, mail) => { mails.push(mail); },
  };
  const logged: string[] = [];
  const service = new NotificationsService({
    store: { notifications: store }, apps: { find: (n) => (n === 'web' || n === 'api' ? ({ name: n } as never) : null), list: () => [] },
    events: new EventsService({ add: (e) => ({ ...e, id: 1, createdAt: 'now' }) as never, list: () => [], pruneBefore: () => 0 }),
    queue, senders, rules: { ownPorts: new Set([8380]), localAddresses: () => [] }, resolve: async () => ['93.184.216.34'],
    log: (l) => logged.push(l),
  });
  return { service, store, queued, posts, mails, logged, failPosts: (v: boolean) => { postFails = v; } };
}

describe('notifications service', () => {
  it('tells the event\'s app\'s targets and the global ones, not other apps\'', async () => {
    const { service, queued } = setUp();
    const mine = await service.add({ app: 'web', url: 'https://a.example/hook' }, 'admin');
    const global = await service.add({ app: null, url: 'https://hooks.slack.com/services/x' }, 'admin');
    await service.add({ app: 'api', url: 'https://b.example/hook' }, 'admin');
    assert.equal(await service.queueAll(FAILED), 2);
    assert.deepEqual(queued.map((d) => d.targetId), [mine.target.id, global.target.id]);
    assert.match(mine.secret ?? '', /^[0-9a-f]{64}$/);
    assert.equal(global.secret, null);
    assert.ok(!('secret' in mine.target));
  });

  it('notify returns at once and never throws, whatever the queue does', async () => {
    const { service, logged } = setUp({ enqueue: () => Promise.reject(new Error('Redis is down')) });
    await service.add({ app: 'web', url: 'https://a.example/hook' }, null);
    assert.equal(service.notify(FAILED), undefined);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(logged, ['notifications: could not queue deploy.failed: Redis is down']);
  });

  it('signs a webhook body with the target\'s secret; Slack gets text and a button to the link; email gets subject and link', async () => {
    const { service, queued, posts, mails } = setUp();
    const hook = await service.add({ app: 'web', url: 'https://a.example/hook' }, null);
    await service.add({ app: 'web', url: 'https://hooks.slack.com/services/x' }, null);
    await service.add({ app: 'web', url: 'mailto:ops@example.com' }, null);
    service.setSmtp({ url: 'smtp://127.0.0.1:2525', from: 'berth@example.com' }, null);
    await service.queueAll(FAILED);
    for (const d of queued) await service.deliver(d, { number: 1, final: false });
    const [webhook, slack] = posts;
    assert.equal(webhook.headers[SIGNATURE_HEADER], `sha256=${crypto.createHmac('sha256', hook.secret!).update(webhook.body).digest('hex')}`);
    assert.equal(webhook.headers['x-berth-delivery'], queued[0].id);
    assert.deepEqual(JSON.parse(webhook.body).link, FAILED.link);
    const body = JSON.parse(slack.body);
    assert.equal(body.text, `web: deploy failed (build 7) ${FAILED.link}`);
    assert.equal(body.blocks[1].elements[0].url, FAILED.link);
    assert.equal(mails[0].subject, '[berth] web: deploy failed (build 7)');
    assert.deepEqual(mails[0].to, ['ops@example.com']);
    assert.match(mails[0].text, /Build log: http:\/\/berth\.test\/apps\/web\/builds\/7/);
  });

  it('records each attempt: retrying while tries are left, failed on the last, delivered when it goes through', async () => {
    const { service, store, queued, failPosts } = setUp();
    await service.add({ app: 'web', url: 'https://a.example/hook' }, null);
    await service.queueAll(FAILED);
    failPosts(true);
    await assert.rejects(service.deliver(queued[0], { number: 1, final: false }), /ECONNREFUSED/);
    assert.deepEqual([store.rows[0].lastStatus, store.rows[0].lastError], ['retrying', 'attempt 1: connect ECONNREFUSED']);
    await assert.rejects(service.deliver(queued[0], { number: 2, final: true }));
    assert.deepEqual([store.rows[0].lastStatus, store.rows[0].failed], ['failed', 1]);
    failPosts(false);
    await service.deliver(queued[0], { number: 1, final: false });
    assert.deepEqual([store.rows[0].lastStatus, store.rows[0].delivered, store.rows[0].lastError], ['delivered', 1, null]);
  });

  it('another app\'s target id is not found through this app', async () => {
    const { service } = setUp();
    const theirs = await service.add({ app: 'api', url: 'https://b.example/hook' }, null);
    assert.throws(() => service.remove('web', theirs.target.id, null), { code: 'NOTIFICATION_NOT_FOUND' });
    assert.throws(() => service.remove(null, theirs.target.id, null), { code: 'NOTIFICATION_NOT_FOUND' });
    await assert.rejects(service.add({ app: 'gone', url: 'https://b.example/' }, null), { code: 'APP_NOT_FOUND' });
  });
});
