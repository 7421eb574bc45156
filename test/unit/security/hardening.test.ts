import assert from 'node:assert/strict';
import { createOptionsFor } from '../../../app/infra/docker/container-spec';
import { KEPT_CAPABILITIES, withDefaultLimits } from '../../../app/infra/docker/hardening';
import { createSpec } from '../../../app/infra/docker/service-engine';
import { serviceSpec } from '../../../app/infra/docker/swarm-services';
import { can, LoginLimiter, sshFingerprint } from '../../../app/users';
import { InMemoryWindowCounters } from '../../support/fakes/window-counters';
import { targetOf } from '../../../app/http/access-middleware';
import { createSecretBox } from '../../../app/infra/sqlite/secret-box';
import type { RunContainerOptions } from '../../../app/ports/container-engine';

const base: RunContainerOptions = { name: 'c', image: 'i', env: {}, labels: {}, network: 'berth' } as unknown as RunContainerOptions;

describe('container defaults', () => {
  const limits = { defaultMemoryMb: 512, defaultCpus: 1, pidsLimit: 1024 };
  const kept = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'NET_BIND_SERVICE', 'SETGID', 'SETUID'];

  it('are unprivileged, cannot gain privileges, keep few capabilities and get the default limits', () => {
    const spec = createOptionsFor(withDefaultLimits(base, limits), { limits });
    assert.equal(spec.HostConfig!.Privileged, false);
    assert.deepEqual(spec.HostConfig!.SecurityOpt, ['no-new-privileges:true']);
    assert.deepEqual(spec.HostConfig!.CapDrop, ['ALL']);
    assert.deepEqual(spec.HostConfig!.CapAdd, kept);
    assert.equal(spec.HostConfig!.PidsLimit, 1024);
    assert.equal(spec.HostConfig!.Memory, 512 * 1024 * 1024);
    assert.equal(spec.HostConfig!.NanoCpus, 1e9);
    assert.equal(spec.HostConfig!.NetworkMode, 'berth');
    const own = createOptionsFor(withDefaultLimits({ ...base, memoryMb: 64, cpus: 0.25 }, limits), { limits }).HostConfig!;
    assert.deepEqual([own.Memory, own.NanoCpus], [64 * 1024 * 1024, 0.25e9], 'an app limit wins');
    const none = createOptionsFor(withDefaultLimits(base, { defaultMemoryMb: 0, defaultCpus: 0, pidsLimit: 0 }), { limits: { pidsLimit: 0 } }).HostConfig!;
    assert.deepEqual([none.Memory, none.NanoCpus, none.PidsLimit], [undefined, undefined, undefined], '0 means none');
  });

  it('are the same for service containers and swarm tasks', () => {
    const svc = createSpec({ name: 's', image: 'i', env: {}, labels: {}, network: 'berth', volume: { name: 'v', target: '/d' } } as never, limits).HostConfig!;
    assert.deepEqual([svc.Privileged, svc.SecurityOpt, svc.CapDrop, svc.CapAdd, svc.PidsLimit, svc.Memory],
      [false, ['no-new-privileges:true'], ['ALL'], kept, 1024, 512 * 1024 * 1024]);
    const task = serviceSpec({ name: 'w', image: 'i', env: {}, labels: {}, replicas: 1, publishPort: null, restartPolicy: 'no', constraints: [] }, limits) as any;
    const c = task.TaskTemplate.ContainerSpec;
    assert.deepEqual([c.CapabilityDrop, c.CapabilityAdd, c.Privileges], [['ALL'], kept, { NoNewPrivileges: true }]);
    assert.deepEqual(task.TaskTemplate.Resources.Limits, { MemoryBytes: 512 * 1024 * 1024, NanoCPUs: 1e9, Pids: 1024 });
    assert.deepEqual(task.TaskTemplate.LogDriver, { Name: 'json-file', Options: { 'max-size': '10m', 'max-file': '3' } });
    assert.throws(() => serviceSpec({ name: 'w', image: 'i', env: {}, labels: {}, replicas: 1, publishPort: null, restartPolicy: 'no', constraints: [],
      mounts: [{ source: '/var/run/docker.sock', target: '/s' }] }, limits), /Docker daemon/, 'a swarm service cannot mount the Docker socket');
    assert.deepEqual([...KEPT_CAPABILITIES], kept);
    assert.ok(!KEPT_CAPABILITIES.includes('NET_RAW'));
  });

  it('refuse the host network and the Docker socket', () => {
    for (const network of ['host', 'none', 'container:abc']) assert.throws(() => createOptionsFor({ ...base, network }), /network/);
    for (const source of ['/var/run/docker.sock', '/run/docker.sock', '/var/run/', '/']) {
      assert.throws(() => createOptionsFor({ ...base, mounts: [{ source, target: '/x' }] } as RunContainerOptions), /Docker daemon/, source);
    }
    assert.doesNotThrow(() => createOptionsFor({ ...base, mounts: [{ source: '/var/lib/berth/storage/a', target: '/data' }] } as RunContainerOptions));
  });
});

describe('authorization', () => {
  const collab = (app: string) => app === 'mine';
  it('admins do everything, viewers only read, developers their apps', () => {
    assert.ok(can({ role: 'admin' }, 'admin', null, collab));
    assert.ok(can({ role: 'viewer' }, 'read', 'theirs', collab));
    assert.ok(!can({ role: 'viewer' }, 'write', 'mine', collab));
    assert.ok(can({ role: 'developer' }, 'write', 'mine', collab));
    assert.ok(!can({ role: 'developer' }, 'read', 'theirs', collab));
    assert.ok(!can({ role: 'developer' }, 'admin', null, collab));
    assert.ok(can({ role: 'developer' }, 'read', null, collab));
    assert.ok(can({ role: 'viewer' }, 'self', null, collab));
  });

  it('maps requests to actions', () => {
    const t = (method: string, path: string, query: Record<string, string> = {}) => targetOf({ method, path, query } as never);
    assert.deepEqual(t('GET', '/apps/a/config'), { action: 'read', app: 'a' });
    assert.deepEqual(t('PATCH', '/apps/a/config'), { action: 'write', app: 'a' });
    assert.deepEqual(t('POST', '/apps/a/collaborators'), { action: 'admin', app: 'a' });
    assert.deepEqual(t('POST', '/apps/a/services/link'), { action: 'admin', app: 'a' });
    assert.deepEqual(t('POST', '/apps'), { action: 'admin', app: null });
    assert.deepEqual(t('GET', '/users'), { action: 'admin', app: null });
    assert.deepEqual(t('POST', '/tokens'), { action: 'self', app: null });
    assert.deepEqual(t('GET', '/events', { app: 'a' }), { action: 'read', app: 'a' });
  });

  it('limits failed logins per user name and per address in a window', async () => {
    let now = 0;
    // The shared fake on this test's clock (it and Redis's counters pass test/conformance/window-counters.ts).
    const counters = new InMemoryWindowCounters(() => now);
    const l = new LoginLimiter({ counters, maxPerUser: 2, maxPerAddress: 3, windowSeconds: 1 });
    // An attempt counts as a failure until it succeeds.
    await l.attempt('ip', 'u'); await l.attempt('ip', 'u');
    await assert.rejects(l.check('ip', 'u'), /Too many/);
    await assert.rejects(l.check('ip2', 'u'), /Too many/, 'the user name is limited from any address');
    await assert.doesNotReject(l.check('ip', 'v'));
    await l.attempt('ip', 'v');
    await assert.rejects(l.attempt('ip', 'x'), /Too many/, 'an attempt over the limit is refused');
    await assert.rejects(l.check('ip', 'w'), /Too many/, 'the address is limited whatever the user name');
    await l.succeeded('ip2', 'u');
    await assert.doesNotReject(l.check('ip2', 'u'), 'a success clears the user name');
    await assert.rejects(l.check('ip', 'w'), /Too many/, 'but not the address');
    now = 1500;
    await assert.doesNotReject(l.check('ip', 'w'));
    // Parallel attempts are counted before any password check: only the limit get through.
    const all = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => l.attempt(`p${i}`, 'par')));
    assert.equal(all.filter((r) => r.status === 'fulfilled').length, 2);
    await l.attempt('ip3', 'ok');
    await l.succeeded('ip3', 'ok');
    assert.equal((await counters.peek('login-address:ip3')).count, 0, 'a success takes back its hit on the address');
  });

  it('fingerprints OpenSSH public keys as ssh-keygen does and refuses others', () => {
    const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 7)]);
    assert.match(sshFingerprint(`ssh-ed25519 ${blob.toString('base64')} me@host`)!, /^SHA256:[A-Za-z0-9+/]{43}$/);
    assert.equal(sshFingerprint(`ssh-rsa ${blob.toString('base64')}`), null, 'type must match the blob');
    assert.equal(sshFingerprint('ssh-ed25519 not;base64'), null);
  });
});

describe('secret box', () => {
  it('seals with AES-256-GCM and opens, passing old plain values through', () => {
    const box = createSecretBox(Buffer.alloc(32, 1));
    const sealed = box.seal('hunter22');
    assert.match(sealed, /^enc:v1:/);
    assert.notEqual(box.seal('hunter22'), sealed, 'a fresh IV each time');
    assert.equal(box.open(sealed), 'hunter22');
    assert.equal(box.open('plain'), 'plain');
    assert.throws(() => createSecretBox(Buffer.alloc(32, 2)).open(sealed));
  });
});

describe('ssh command lines', () => {
  it('split like a shell for words and quotes, without expansion', async () => {
    const { splitCommand } = await import('../../../app/ssh');
    assert.deepEqual(splitCommand("config:set app 'A=hello world' B=\"x y\" C=$(id)"), ['config:set', 'app', 'A=hello world', 'B=x y', 'C=$(id)']);
    assert.deepEqual(splitCommand('  apps:list  '), ['apps:list']);
    assert.deepEqual(splitCommand("x ''"), ['x', '']);
    assert.throws(() => splitCommand("x 'open"), /quote/);
  });
});
