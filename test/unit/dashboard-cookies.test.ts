import assert from 'node:assert/strict';
import type { Request, Response } from 'express';
import { SESSION_COOKIE, readCookie, setCookie } from '../../app/http/dashboard/cookies';

const reqOf = (o: { secure: boolean; cookieSecure: boolean; cookie?: string }) =>
  ({ secure: o.secure, app: { locals: { cookieSecure: o.cookieSecure } }, headers: { cookie: o.cookie ?? '' } }) as unknown as Request;

function set(req: Request): { name: string; options: Record<string, unknown> } {
  let out!: { name: string; options: Record<string, unknown> };
  const res = { cookie: (name: string, _v: string, options: Record<string, unknown>) => { out = { name, options }; } } as unknown as Response;
  setCookie(req, res, SESSION_COOKIE, 'id', 60);
  return out;
}

describe('dashboard cookies behind a TLS proxy', () => {
  it('are Secure with the __Host- prefix when BERTH_COOKIE_SECURE is on, though berth sees plain HTTP', () => {
    const c = set(reqOf({ secure: false, cookieSecure: true }));
    assert.equal(c.name, '__Host-berth_session');
    assert.deepEqual([c.options.secure, c.options.path, c.options.httpOnly, c.options.sameSite, c.options.domain], [true, '/', true, 'lax', undefined]);
    assert.equal(readCookie(reqOf({ secure: false, cookieSecure: true, cookie: 'berth_session=plain; __Host-berth_session=host' }), SESSION_COOKIE), 'host');
  });

  it('over HTTPS to berth itself as well; over plain HTTP without the setting, neither', () => {
    assert.equal(set(reqOf({ secure: true, cookieSecure: false })).name, '__Host-berth_session');
    const plain = set(reqOf({ secure: false, cookieSecure: false }));
    assert.deepEqual([plain.name, plain.options.secure], ['berth_session', false]);
    // A plain cookie is not taken where a __Host- one is expected (a sibling host could have set it).
    assert.equal(readCookie(reqOf({ secure: false, cookieSecure: true, cookie: 'berth_session=planted' }), SESSION_COOKIE), undefined);
  });
});
