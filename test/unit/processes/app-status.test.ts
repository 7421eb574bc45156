import assert from 'node:assert/strict';
import { failedDeployOf, statusWord, type StatusFacts } from '../../../app/processes/app-status';
import type { BuildRecord } from '../../../app/ports/store';

let id = 0;
const job = (kind: string, status: BuildRecord['status']) => ({ id: ++id, kind, status, error: status === 'failed' ? 'BUILD_FAILED: boom' : null } as BuildRecord);
const facts = (f: Partial<StatusFacts>): StatusFacts => ({ release: 3, stopped: false, builds: [], crashing: 0, degraded: false, ...f });

describe('app status: one word for CLI, API and dashboard', () => {
  it('says running when the live release runs as wanted', () => {
    assert.equal(statusWord(facts({ builds: [job('push', 'succeeded')] })), 'running');
  });

  it('a job in progress wins: deploying', () => {
    assert.equal(statusWord(facts({ builds: [job('push', 'running'), job('push', 'failed')], crashing: 2 })), 'deploying');
    assert.equal(statusWord(facts({ builds: [job('scale', 'queued')] })), 'deploying');
  });

  it('crashing containers beat a failed deploy, which beats degraded', () => {
    assert.equal(statusWord(facts({ crashing: 1, builds: [job('push', 'failed')], degraded: true })), 'crashing');
    assert.equal(statusWord(facts({ builds: [job('push', 'failed')], degraded: true })), 'failed');
    assert.equal(statusWord(facts({ degraded: true })), 'degraded');
  });

  it('stopped on purpose is stopped, even with a crash count left over', () => {
    assert.equal(statusWord(facts({ stopped: true, crashing: 1 })), 'stopped');
  });

  it('without a release: failed when the deploy failed, else not deployed', () => {
    assert.equal(statusWord(facts({ release: null, builds: [job('push', 'failed')] })), 'failed');
    assert.equal(statusWord(facts({ release: null })), 'not deployed');
  });

  it('the failed deploy is the newest deploy job; process jobs and cancels do not count, a later success clears it', () => {
    const failed = job('push', 'failed');
    assert.equal(failedDeployOf([job('restart', 'succeeded'), failed]), failed);
    assert.equal(failedDeployOf([job('scale', 'failed'), job('push', 'succeeded')]), null);
    assert.equal(failedDeployOf([job('push', 'cancelled'), failed]), failed);
    assert.equal(failedDeployOf([job('rollback', 'succeeded'), failed]), null);
    assert.equal(statusWord(facts({ builds: [job('config', 'succeeded'), failed] })), 'running');
  });
});
