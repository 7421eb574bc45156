import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { OneOffRun } from '../../app/one-off';
import { waitFor } from '../support/poll';

export interface OpenedOneOffRunner {
  /** The port cron, the deploy scripts and `berth run` call (Scheduler.run; docker-local's is OneOffRunner.run). */
  readonly runner: { run(o: OneOffRun): Promise<number> };
  /** An app with a current release; its environment holds GREETING=`hello world`. */
  readonly app: string;
  /** An app that exists and was never deployed. */
  readonly undeployed: string;
  /** The states (`running`, `exited`, …) of the app's one-off containers that exist now. */
  containers(): Promise<string[]>;
  /** The lines the app's log received, as `<tag> | <text>`. */
  logged(): string[];
  close(): Promise<void>;
}

/** The commands below use only echo, printf, cat, sleep and exit, so the fake's small shell runs them too. */
async function runOf(opened: OpenedOneOffRunner, o: Omit<OneOffRun, 'app' | 'kind'> & { app?: string }): Promise<{ code: number; out: string }> {
  const chunks: Buffer[] = [];
  const code = await opened.runner.run({ app: opened.app, kind: 'run', ...o, onOutput: (c) => chunks.push(c) });
  return { code, out: Buffer.concat(chunks).toString() };
}

/**
 * The one-off runner port (a command in a container of the app's release, to completion), run against
 * OneOffRunner on the Docker Engine (test/integration/one-off-runner-conformance.test.ts) and the unit
 * tests' InMemoryOneOffRunner (test/unit/conformance/one-off-runner.test.ts).
 */
export function oneOffRunnerConformance(name: string, open: () => Promise<OpenedOneOffRunner>): void {
  describe(`one-off runner conformance: ${name}`, function () {
    this.timeout(60_000);
    let opened: OpenedOneOffRunner;
    before(async () => { opened = await open(); });
    after(async () => { await opened?.close(); });

    it('answers the command\'s exit code, hands stdout and stderr to onOutput, and leaves no container', async () => {
      const { code, out } = await runOf(opened, { command: 'echo out; echo err >&2; exit 3' });
      assert.equal(code, 3);
      assert.deepEqual(out.split('\n').filter(Boolean).sort(), ['err', 'out']);
      assert.deepEqual(await opened.containers(), []);
    });

    it('a list runs as it is, with no shell: $(…), ; and quotes stay text (a hostile argument runs nothing)', async () => {
      const { code, out } = await runOf(opened, { command: ['echo', '$(id); exit 9', "'x'"] });
      assert.equal(code, 0);
      assert.equal(out, "$(id); exit 9 'x'\n");
    });

    it('the caller\'s stdin reaches the command, and its end ends it', async () => {
      const { code, out } = await runOf(opened, { command: ['cat'], stdin: Readable.from([Buffer.from('line one\n'), Buffer.from('line two\n')]) });
      assert.equal(code, 0);
      assert.equal(out, 'line one\nline two\n');
    });

    it('runs with the release\'s environment', async () => {
      const { code, out } = await runOf(opened, { command: 'printf %s "$GREETING"' });
      assert.equal(code, 0);
      assert.equal(out, 'hello world');
    });

    it('its output goes line by line to the app\'s log under the run\'s tag, a last line without its end too', async () => {
      const before = opened.logged().length;
      const { code } = await runOf(opened, { command: 'echo first; printf %s last', tag: 'cron.nightly' });
      assert.equal(code, 0);
      assert.deepEqual(opened.logged().slice(before), ['cron.nightly | first', 'cron.nightly | last']);
    });

    it('an unknown app is APP_NOT_FOUND and an app never deployed NO_RELEASE; nothing starts', async () => {
      await assert.rejects(runOf(opened, { app: 'no-such-app', command: 'echo hi' }), { code: 'APP_NOT_FOUND' });
      await assert.rejects(runOf(opened, { app: opened.undeployed, command: 'echo hi' }), { code: 'NO_RELEASE' });
      assert.deepEqual(await opened.containers(), []);
    });

    it('aborting a run kills it (137: SIGKILL after the stop timeout, as sleep ignores SIGTERM as PID 1) and removes its container', async () => {
      const abort = new AbortController();
      const run = runOf(opened, { command: ['sleep', '30'], signal: abort.signal });
      await waitFor('the one-off container running', async () => (await opened.containers()).join() === 'running', 30_000);
      abort.abort();
      assert.deepEqual(await run, { code: 137, out: '' });
      await waitFor('no one-off container', async () => (await opened.containers()).length === 0, 30_000);
    });
  });
}
