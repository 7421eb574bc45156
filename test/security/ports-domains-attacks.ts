import assert from 'node:assert/strict';
import net from 'node:net';
import { uniqueName } from '../support/berth-process';
import type { Tenant } from './tenant';

/** A port nobody listens on now (the kernel picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '0.0.0.0', () => { const { port } = s.address() as net.AddressInfo; s.close(() => resolve(port)); });
  });
}

/**
 * Ports and names an app may claim. A host port nginx cannot bind failed every later reload, so
 * one app's mapping stopped every app's route changes; a domain like `<future-app>.<domain>`,
 * `*.<domain>` or a name whose address is another app's domain took other apps' traffic.
 */
export function portsAndDomainsAttacks(t: () => Tenant): void {
  describe('ports and domains: no app takes a port or a name that is not its own', () => {
    const ports = async (app: string) => (await t().berth.api('GET', `/api/v1/apps/${app}/ports`)).json.ports as string[];
    const domains = async (app: string) => (await t().berth.api('GET', `/api/v1/apps/${app}/domains`)).json.domains.customDomains as string[];

    it('a busy, reserved or other app\'s host port is refused (409 PORT_UNAVAILABLE), nothing changes, and the app\'s routes keep working', async () => {
      const { berth, appA, appB, dev } = t();
      const busy = net.createServer();
      await new Promise<void>((resolve) => busy.listen(0, '0.0.0.0', resolve));
      const busyPort = (busy.address() as net.AddressInfo).port;
      const held = await freePort();
      try {
        assert.equal((await berth.api('PATCH', `/api/v1/apps/${appB}/ports`, { add: [`http:${held}:5000`] })).status, 200, 'the admin maps a port for B');
        const before = await ports(appA);
        const cases: [number, string][] = [
          [busyPort, 'something on this host listens on it already'],
          [22, 'ports below 1024 other than 80 and 443 belong to the host\'s system services'],
          [berth.port, 'it is berth\'s API and dashboard port (BERTH_PORT)'],
          [held, 'another app listens on it'],
        ];
        for (const [port, why] of cases) {
          const r = await t().api(dev.token, 'PATCH', `/api/v1/apps/${appA}/ports`, { add: [`http:${port}:5000`] });
          assert.equal(r.status, 409, `${port}: ${r.text}`);
          assert.deepEqual(r.json.error, { code: 'PORT_UNAVAILABLE', message: `${appA} cannot listen on host port ${port}: ${why}. Nothing was changed.` });
        }
        assert.deepEqual(await ports(appA), before, 'A\'s mappings are unchanged');
        // A's route changes still apply: a free port is mapped and served, then removed.
        const free = await freePort();
        const ok = await t().api(dev.token, 'PATCH', `/api/v1/apps/${appA}/ports`, { add: [`http:${free}:5000`] });
        assert.equal(ok.status, 200, ok.text);
        assert.equal((await berth.viaRouter(`${appA}.localhost`)).status, 200);
        assert.equal((await t().api(dev.token, 'PATCH', `/api/v1/apps/${appA}/ports`, { remove: [`http:${free}:5000`] })).status, 200);
      } finally {
        busy.close();
        await berth.api('PATCH', `/api/v1/apps/${appB}/ports`, { clear: true });
      }
    });

    it('<future-app>.<domain>, *.<domain> and a wildcard over another app\'s domain are refused; nothing is added', async () => {
      const { berth, appA, appB, dev } = t();
      const theirs = `${uniqueName('shop')}.example.test`;
      assert.equal((await berth.api('PATCH', `/api/v1/apps/${appB}/domains`, { add: [theirs] })).status, 200);
      try {
        const future = uniqueName('future');
        const cases: [string, string, string][] = [
          [`${future}.localhost`, 'DOMAIN_RESERVED', `${future}.localhost is the address of the app named "${future}" (present or future); use a domain of your own.`],
          ['*.localhost', 'DOMAIN_RESERVED', '*.localhost would cover every app\'s address <app>.localhost; add the names you own one by one.'],
          ['*.example.test', 'DOMAIN_TAKEN', `*.example.test overlaps ${theirs}, served by app "${appB}"; remove it there first.`],
          [theirs, 'DOMAIN_TAKEN', `${theirs} is served by app "${appB}"; remove it there first.`],
        ];
        for (const [domain, code, message] of cases) {
          const r = await t().api(dev.token, 'PATCH', `/api/v1/apps/${appA}/domains`, { add: [domain] });
          assert.equal(r.status, 409, `${domain}: ${r.text}`);
          assert.deepEqual(r.json.error, { code, message });
        }
        assert.deepEqual(await domains(appA), [], 'A got none of them');
      } finally {
        await berth.api('PATCH', `/api/v1/apps/${appB}/domains`, { remove: [theirs] });
      }
    });

    it('no global domain makes an address another app serves as its custom domain the address of an app (409 DOMAIN_TAKEN)', async () => {
      const { berth, appB } = t();
      const global = `${uniqueName('g')}.test`;
      const name = uniqueName('shop');
      // B serves <name>.<global> as its own domain before an admin adds <global> as a global domain:
      // the global would make it the address of an app named <name>, present or future. (Apps
      // created or renamed onto such an address are refused too — vhostClash — but through the API
      // that state can no longer arise, so this refusal is the one a user meets.)
      assert.equal((await berth.api('PATCH', `/api/v1/apps/${appB}/domains`, { add: [`${name}.${global}`] })).status, 200);
      const before = (await berth.api('GET', '/api/v1/domains')).json.globalDomains;
      try {
        const added = await berth.api('PATCH', '/api/v1/domains', { add: [global] });
        assert.equal(added.status, 409, added.text);
        assert.deepEqual(added.json.error, {
          code: 'DOMAIN_TAKEN',
          message: `${global} would make ${name}.${global}, served by app "${appB}", the address of the app named "${name}" (present or future); remove it there first.`,
        });
        assert.deepEqual((await berth.api('GET', '/api/v1/domains')).json.globalDomains, before, 'no global domain stored');
      } finally {
        await berth.api('PATCH', `/api/v1/apps/${appB}/domains`, { remove: [`${name}.${global}`] });
      }
    });
  });
}
