import assert from 'node:assert/strict';
import type { Tenant } from './tenant';

/**
 * A compose file (docs/compose.md) is the developer's own text, read by berth: every key that would
 * take a service out of app A's confinement is refused before anything is built, and A keeps serving.
 */
export function composeAttacks(t: () => Tenant): void {
  describe('a compose file gets app A no more than a Procfile would', () => {
    it("joining B's network or B's container, the docker socket, privileged, a host path: each refused by name, nothing built", async () => {
      const { berth, appA, appB, dev, tree } = t();
      const bId = (await berth.api('GET', `/api/v1/apps/${appB}`)).json.app.id as string;
      const bNetwork = `${berth.env.BERTH_NETWORK}-${bId}`;
      const before = (await berth.viaRouter(`${appA}.localhost`)).text;
      tree.write('compose.yaml', [
        'services:',
        '  web:',
        '    build: .',
        '    privileged: true',
        `    network_mode: "container:berth.${appB}.web.1"`,
        '    volumes: ["/var/run/docker.sock:/var/run/docker.sock", "/:/host"]',
        '  sidecar:',
        '    build: .',
        '    networks: [b]',
        '    cap_add: [NET_ADMIN]',
        'networks:',
        `  b: { name: ${bNetwork}, external: true }`,
        '',
      ].join('\n'));
      tree.commitAll('compose: reach for B and the host');
      try {
        const pushed = tree.push(berth.url, dev.token, appA);
        assert.notEqual(pushed.code, 0);
        for (const line of [
          '- networks: each berth app has its own network',
          '- services.web.privileged: privileged mode would hand the service the host',
          '- services.web.network_mode: each berth app has its own network',
          '- services.web.volumes "/var/run/docker.sock:/var/run/docker.sock": host path "/var/run/docker.sock" is outside the app\'s storage',
          '- services.web.volumes "/:/host": host path "/" is outside the app\'s storage',
          '- services.sidecar.networks: each berth app has its own network',
          '- services.sidecar.cap_add: berth keeps a fixed set of capabilities',
        ]) assert.ok(pushed.output.includes(line), `"${line}" in:\n${pushed.output}`);
        assert.doesNotMatch(pushed.output, /Building with/, 'refused before any build');
        assert.equal((await berth.viaRouter(`${appA}.localhost`)).text, before);
      } finally {
        tree.git(['reset', '-q', '--hard', 'HEAD~1']);
      }
    });
  });
}
