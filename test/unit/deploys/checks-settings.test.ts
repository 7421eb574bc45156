import assert from 'node:assert/strict';
import { ChecksSettings, checksOff } from '../../../app/deploys/checks-settings';
import type { Store } from '../../../app/ports/store';
import { InMemoryAppSettings } from '../../support/fakes/routing-store';
import { readersOf } from '../../support/store-readers';

/** A store with one app and the deploy_settings key/value table in memory (the fake test/conformance/routing-store.ts holds to SQLite's). */
function fakeStore(): Store {
  const deploySettings = new InMemoryAppSettings();
  deploySettings.addApp('web');
  return { apps: { get: (name: string) => (name === 'web' ? { name } : null) }, deploySettings } as unknown as Store;
}

describe('checks:disable/skip/enable settings', () => {
  const events = { record: () => undefined } as never;

  it('disable and skip take types (or every type) onto their list and off the other; enable takes them off both', () => {
    const s = new ChecksSettings({ store: fakeStore(), apps: readersOf(fakeStore()).apps, events });
    assert.deepEqual(s.change('web', 'disable', ['web', 'worker'], null), { disabled: ['web', 'worker'], skipped: [] });
    assert.deepEqual(s.change('web', 'skip', ['worker'], null), { disabled: ['web'], skipped: ['worker'] });
    assert.deepEqual(s.change('web', 'enable', ['web'], null), { disabled: [], skipped: ['worker'] });
    assert.deepEqual(s.change('web', 'disable', undefined, null), { disabled: ['_all_'], skipped: [] });
    assert.throws(() => s.change('web', 'enable', ['web'], null), /checks are disabled for every process type; `checks:enable web` turns them all back on/);
    assert.deepEqual(s.change('web', 'enable', [], null), { disabled: [], skipped: [] });
  });

  it('checksOff: disabled before skipped, _all_ covers every type', () => {
    assert.equal(checksOff({ 'checks-disabled': 'worker', 'checks-skipped': '_all_' }, 'worker'), 'disabled');
    assert.equal(checksOff({ 'checks-disabled': 'worker', 'checks-skipped': '_all_' }, 'web'), 'skipped');
    assert.equal(checksOff({ 'checks-disabled': 'worker' }, 'web'), null);
  });

  it('refuses an unknown action, a type that is not a process type name, and an app that does not exist', () => {
    const s = new ChecksSettings({ store: fakeStore(), apps: readersOf(fakeStore()).apps, events });
    assert.throws(() => s.change('web', 'drop', [], null), /"action" is disable, skip or enable/);
    assert.throws(() => s.change('web', 'disable', ['web;rm'], null), /"types" must be a list of process types/);
    assert.throws(() => s.change('other', 'disable', [], null), /App "other" does not exist/);
  });
});
