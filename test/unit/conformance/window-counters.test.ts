import { windowCountersConformance } from '../../conformance/window-counters';
import { InMemoryWindowCounters } from '../../support/fakes/window-counters';

windowCountersConformance('InMemoryWindowCounters (test/support/fakes)', async () => {
  const counters = new InMemoryWindowCounters();
  return { one: counters, two: counters, close: async () => undefined };
});
