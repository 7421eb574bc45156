import assert from 'node:assert/strict';
import { certificateCheck, type NotificationEvent } from '../../../app/notifications';

describe('certificate expiry notifications', () => {
  it('tells once per certificate and day left, only within 14 days', () => {
    let certs = [
      { app: 'shop', domains: ['shop.example.com'], notAfter: '2027-01-10T00:00:00.000Z', expiresInDays: 14 },
      { app: 'blog', domains: ['blog.example.com'], notAfter: '2027-03-01T00:00:00.000Z', expiresInDays: 15 },
    ];
    const told: NotificationEvent[] = [];
    const check = certificateCheck({ list: () => certs, notify: (e) => told.push(e) });
    check();
    check();
    assert.deepEqual(told, [{ kind: 'cert.expiring', app: 'shop', domains: ['shop.example.com'], notAfter: '2027-01-10T00:00:00.000Z', daysLeft: 14 }]);
    certs = certs.map((c) => ({ ...c, expiresInDays: c.expiresInDays - 1 }));
    check();
    assert.deepEqual(told.slice(1).map((e) => [e.app, e.kind === 'cert.expiring' ? e.daysLeft : null]), [['shop', 13], ['blog', 14]]);
    certs = [{ ...certs[0], expiresInDays: -2 }];
    check();
    assert.deepEqual(told.at(-1), { kind: 'cert.expiring', app: 'shop', domains: ['shop.example.com'], notAfter: '2027-01-10T00:00:00.000Z', daysLeft: 0 });
  });
});
