import { oneOffRunnerConformance } from '../../conformance/one-off-runner';
import { InMemoryOneOffRunner } from '../../support/fakes/one-off-runner';

oneOffRunnerConformance('InMemoryOneOffRunner (test/support/fakes)', async () => {
  const runner = new InMemoryOneOffRunner();
  runner.apps.set('shop', { release: { version: 3, env: { GREETING: 'hello world' } } });
  runner.apps.set('empty', { release: null });
  return {
    runner, app: 'shop', undeployed: 'empty',
    containers: async () => Array<string>(runner.running.get('shop') ?? 0).fill('running'),
    logged: () => [...runner.logged],
    close: async () => undefined,
  };
});
