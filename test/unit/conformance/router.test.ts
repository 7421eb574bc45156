import { routerConformance } from '../../conformance/router';
import { InMemoryRouter } from '../../support/fakes/router';

routerConformance('InMemoryRouter (test/support/fakes)', async () => {
  const router = new InMemoryRouter('berth.localhost');
  await router.start();
  return { router, domain: 'berth.localhost', get: (host) => router.get(host), close: () => router.stop() };
});
