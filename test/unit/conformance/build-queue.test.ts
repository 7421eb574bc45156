import { buildQueueConformance } from '../../conformance/build-queue';
import { InMemoryBuildQueue } from '../../support/fakes/build-queue';

// The fake the unit tests use holds to the same contract as BullMQ's queue.
buildQueueConformance('InMemoryBuildQueue (test/support/fakes)', async () => {
  const queue = new InMemoryBuildQueue();
  return { queue, close: () => queue.close() };
});
