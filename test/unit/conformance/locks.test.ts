import { locksConformance } from '../../conformance/locks';
import { InMemoryLocks } from '../../support/fakes/locks';

locksConformance('InMemoryLocks (test/support/fakes)', async () => {
  const locks = new InMemoryLocks();
  return { one: locks, two: locks, close: async () => undefined };
});
