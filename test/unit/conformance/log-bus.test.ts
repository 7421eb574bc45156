import { logBusConformance } from '../../conformance/log-bus';
import { InMemoryLogBus } from '../../support/fakes/log-bus';

logBusConformance('InMemoryLogBus (test/support/fakes)', async () => {
  const logs = new InMemoryLogBus();
  return { logs, close: () => logs.close() };
});
