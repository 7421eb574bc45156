import { routeFeedConformance } from '../../conformance/route-feed';
import { InMemoryRouteFeed } from '../../support/fakes/route-feed';

routeFeedConformance('InMemoryRouteFeed (test/support/fakes)', async (clock) => {
  const feed = new InMemoryRouteFeed(() => clock.now);
  return { one: feed, two: feed, close: async () => undefined };
});
