import assert from 'node:assert/strict';
import { DrainSink } from '../../../app/log-drains';
import { syslogFrame } from '../../../app/infra/log-drains/syslog-frame';
import type { DrainConnection, DrainLine } from '../../../app/ports/log-drains';

const line = (n: number): DrainLine => ({ at: `2026-12-07T10:00:${String(n % 60).padStart(2, '0')}.123456789Z`, app: 'shop', tag: 'web.1', release: 1, text: `line ${n}` });

describe('log drains: the sink and the syslog frame', () => {
  it('holds at most its capacity while the receiver is down: the oldest go, counted', async () => {
    const sink = new DrainSink({ id: 1, app: 'shop', url: 'syslog://203.0.113.9:514', privileged: false, createdAt: '' }, {
      connector: async () => { throw new Error('ECONNREFUSED'); }, rule: { privileged: false, ownPorts: new Set() }, capacity: 3, minRetryMs: 60_000,
    });
    for (let n = 1; n <= 5; n++) sink.push(line(n));
    assert.deepEqual({ ...sink.status(), lastDeliveredAt: null }, { state: 'connecting', delivered: 0, dropped: 2, buffered: 3, lastError: null, lastDeliveredAt: null });
  });

  it('sends what it held, in order, once connected', async () => {
    const sent: string[] = [];
    let close: (e: Error | null) => void = () => undefined;
    const conn: DrainConnection = { send: async (ls) => { sent.push(...ls.map((l) => l.text)); }, closed: new Promise((r) => { close = r; }), close: () => close(null) };
    const sink = new DrainSink({ id: 1, app: 'shop', url: 'syslog://203.0.113.9:514', privileged: false, createdAt: '' }, {
      connector: async () => conn, rule: { privileged: false, ownPorts: new Set() }, capacity: 3,
    });
    for (let n = 1; n <= 4; n++) sink.push(line(n));
    const running = sink.run();
    const deadline = Date.now() + 5000;
    while (sent.length < 3 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    sink.push(line(5));
    while (sent.length < 4 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    assert.deepEqual(sent, ['line 2', 'line 3', 'line 4', 'line 5']);
    assert.equal(sink.status().state, 'connected');
    assert.equal(sink.status().dropped, 1);
    sink.stop();
    await running;
  });

  it('frames a line as RFC 5424, octet-counted, with the app, the process and microseconds', () => {
    const frame = syslogFrame({ ...line(7), text: 'héllo wörld' }, 'my host');
    const text = frame.toString('utf8');
    const [count, ...rest] = text.split(' ');
    assert.equal(Number(count), Buffer.byteLength(rest.join(' ')), 'the count is in bytes, not characters');
    assert.equal(rest.join(' '), '<14>1 2026-12-07T10:00:07.123456Z my_host shop web.1 - - héllo wörld');
  });
});
