import assert from 'node:assert/strict';
import { countByProcess } from '../../../app/http/dashboard/app-summaries';
import { safeNext } from '../../../app/http/dashboard/routes/auth-routes';
import { ago } from '../../../app/http/dashboard/views';
import { hashPassword, verifyPassword } from '../../../app/sessions';
import type { ContainerInfo } from '../../../app/ports/container-engine';

const container = (process: string, release: string, state: ContainerInfo['state'] = 'running') =>
  ({ state, labels: { 'berth.process': process, 'berth.release': release } } as unknown as ContainerInfo);

describe('dashboard logic', () => {
  it('counts only the current release\'s running containers', () => {
    const cs = [container('web', '3'), container('web', '3'), container('web', '2'), container('worker', '3'), container('web', '3', 'exited')];
    assert.deepEqual(countByProcess(cs, 3), { web: 2, worker: 1 });
    assert.deepEqual(countByProcess(cs), { web: 3, worker: 1 });
  });

  it('only redirects to same-site paths after login', () => {
    assert.equal(safeNext('/apps/x?build=2'), '/apps/x?build=2');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', '/login?next=/', undefined, 42, '/a b']) {
      assert.equal(safeNext(bad), '/', String(bad));
    }
  });

  it('says how long ago', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    assert.equal(ago('2026-01-01T11:59:30Z', now), '30s ago');
    assert.equal(ago('2026-01-01T11:00:00Z', now), '1 h ago');
    assert.equal(ago(null, now), '—');
  });

  it('hashes passwords with scrypt and verifies them', async () => {
    const hash = await hashPassword('a long password');
    assert.match(hash, /^scrypt\$32768\$8\$1\$/);
    assert.notEqual(hash, await hashPassword('a long password'), 'salted');
    assert.equal(await verifyPassword('a long password', hash), true);
    assert.equal(await verifyPassword('a long passwort', hash), false);
    assert.equal(await verifyPassword('x', 'md5$abc'), false);
  });
});
