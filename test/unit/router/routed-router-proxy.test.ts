import assert from 'node:assert/strict';
import { RoutedRouter } from '../../../app/domains';
import type { AppRoute, Router } from '../../../app/ports/router';

/** A Router that records what reached it. */
function recorder(): Router & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async start() {}, async stop() {},
    async apply(route: AppRoute) { calls.push(`apply ${route.app}`); },
    async remove(app: string) { calls.push(`remove ${app}`); },
    async listApps() { return []; },
    async configOf() { return null; },
    async putChallenge() {}, async removeChallenge() {},
  };
}

describe('RoutedRouter: proxy:disable', () => {
  it('a disabled app\'s route is removed on every apply (a deploy, a domain change), an enabled one applied', async () => {
    const inner = recorder();
    let disabled = true;
    const router = new RoutedRouter(inner, async () => ({ ports: [], settings: {}, tls: null, template: null, proxyDisabled: disabled }));
    const route = { app: 'web', domains: ['web.example.test'], upstreams: [] } as unknown as AppRoute;
    await router.apply(route);
    await router.apply(route);
    disabled = false;
    await router.apply(route);
    assert.deepEqual(inner.calls, ['remove web', 'remove web', 'apply web']);
  });
});
