import assert from 'node:assert/strict';
import { prepareDockerfile } from '../../../app/builds/dockerfile-prep';
import { BuildSettings } from '../../../app/builds/build-settings';
import { BerthError } from '../../../app/errors';
import type { Store } from '../../../app/ports/store';

describe('Dockerfile builds: what berth changes before BuildKit', () => {
  it('turns a docker/dockerfile syntax directive into a comment (no registry to pull the frontend), other frontends are refused', () => {
    const out = prepareDockerfile('# syntax=docker/dockerfile:1.4\nFROM x\n', 'a1');
    assert.equal(out.text, '# (berth: built with the engine\'s Dockerfile frontend) docker/dockerfile:1.4\nFROM x\n');
    assert.match(out.notes[0], /# syntax=docker\/dockerfile:1\.4 ignored/);
    // Any other frontend image (an app's own image is found on the host) could ask for other apps' caches.
    for (const other of ['# syntax=example.com/frontend:2\nFROM x\n', '\n#SYNTAX = berth/a:v1\nFROM x\n']) {
      assert.throws(() => prepareDockerfile(other, 'a1'), (e: unknown) => e instanceof BerthError && e.code === 'BUILD_FAILED'
        && /^# syntax=\S+: berth builds Dockerfiles with the engine's own frontend only/.test(e.message));
    }
    // Only at the top: a later "# syntax=" line is a plain comment already.
    const late = 'FROM x\n# syntax=docker/dockerfile:1\n';
    assert.equal(prepareDockerfile(late, 'a1').text, late);
  });

  it('keys every cache mount by the app, so no app reads or poisons another\'s cache', () => {
    const df = 'FROM x\nRUN --mount=type=cache,target=/root/.npm npm ci\nRUN --mount=type=cache,id=shared,target=/c,sharing=locked \\\n  --mount=type=bind,source=a,target=/a true\n';
    const out = prepareDockerfile(df, 'a1b2');
    // A continued RUN is rewritten as BuildKit reads it (joined), its other lines left empty.
    assert.equal(out.text, 'FROM x\nRUN --mount=type=cache,target=/root/.npm,id=berth-a1b2-/root/.npm npm ci\n'
      + 'RUN --mount=type=cache,target=/c,sharing=locked,id=berth-a1b2-shared --mount=type=bind,source=a,target=/a true\n\n');
    assert.deepEqual(out.notes, ['2 cache mounts kept per app (they persist between pushes)']);
    // Another app asking for the first app's id gets its own.
    assert.match(prepareDockerfile('RUN --mount=type=cache,id=berth-a1b2-/root/.npm,target=/x true', 'zz').text, /id=berth-zz-berth-a1b2-\/root\/\.npm/);
  });

  it('reads a RUN\'s mounts as BuildKit does: a cache mount split over lines is still keyed by the app; quoted or repeated options are refused', () => {
    // BuildKit joins `type=\` + newline + `cache` into a cache mount (seen: another build read its files).
    assert.equal(prepareDockerfile('FROM x\nRUN --mount=type=\\\ncache,target=/c,id=victim cat /c/x\n', 'a1').text,
      'FROM x\nRUN --mount=type=cache,target=/c,id=berth-a1-victim cat /c/x\n\n');
    // The same with `# escape=`` and a comment line inside the instruction.
    assert.equal(prepareDockerfile('# escape=`\nFROM x\nRUN --mount=type=`\n# note\ncache,target=/c true\n', 'a1').text,
      '# escape=`\nFROM x\nRUN --mount=type=cache,target=/c,id=berth-a1-/c true\n\n\n');
    // BuildKit strips the quotes of a field and lets the last `type` win: both were cache mounts berth left unscoped.
    const refused = (df: string, why: RegExp) => assert.throws(() => prepareDockerfile(df, 'a1'),
      (e: unknown) => e instanceof BerthError && e.code === 'BUILD_FAILED' && why.test(e.message) && /berth keeps cache mounts per app/.test(e.message));
    refused('FROM x\nRUN --mount="type=cache",target=/c,id=victim cat /c/x\n', /^RUN --mount options "\\"type=cache\\",target=\/c,id=victim" carry quotes or escapes/);
    refused('FROM x\nRUN --mount=type=bind,type=cache,target=/c,id=victim cat /c/x\n', /^RUN --mount option "type" is given twice/);
    refused('FROM x\nRUN --MOUNT=type=cache,target=/c true\n', /^RUN --mount flag "--MOUNT=type=cache,target=\/c" is not written --mount=<options>/);
    // `--mount=` inside the command is the command's text, not a flag.
    const plain = 'FROM x\nRUN echo --mount="type=cache" \\\n  done\n';
    assert.equal(prepareDockerfile(plain, 'a1').text, plain);
  });
});

describe('builder-dockerfile settings and build docker-options', () => {
  const rows: Record<string, Record<string, string>> = {};
  const store = {
    apps: { get: (name: string) => (name === 'web' ? { name } : null) },
    buildSettings: {
      get: (app: string) => ({ ...(rows[app] ?? {}) }),
      apply: (app: string, set: Record<string, string>, unset: string[]) => {
        rows[app] = { ...(rows[app] ?? {}), ...set };
        for (const k of unset) delete rows[app][k];
      },
    },
  } as unknown as Store;
  const settings = new BuildSettings({ store, apps: { find: (n: string) => store.apps.get(n), list: () => [] } as never, events: { record: () => undefined } as never });
  const refused = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (e: unknown) => e instanceof BerthError && e.code === 'INVALID_BUILD_SETTING' && pattern.test(e.message));

  it('keeps paths inside the repo and buildkit to true/false', () => {
    for (const bad of ['../other/Dockerfile', '/etc/passwd', 'a/../../b', 'a b', 'x;rm']) refused(() => settings.set('web', 'dockerfile-path', bad, null), /must be a path inside the repo/);
    refused(() => settings.set('web', 'build-dir', '..', null), /must be a path inside the repo/);
    refused(() => settings.set('web', 'buildkit', 'yes', null), /buildkit is true/);
    refused(() => settings.set('web', 'context', 'x', null), /not a builder-dockerfile setting/);
    assert.equal(settings.set('web', 'dockerfile-path', 'docker/Dockerfile', null)['dockerfile-path'], 'docker/Dockerfile');
    assert.equal(settings.set('web', 'build-dir', 'apps/web/', null)['build-dir'], 'apps/web');
    assert.equal(settings.set('web', 'buildkit', 'false', null).buildkit, false);
    assert.equal(settings.set('web', 'buildkit', null, null).buildkit, true);
  });

  it('takes --build-arg only, with values from config', () => {
    for (const bad of ['--network=host', '--privileged', '--build-arg', '--build-arg 1X=a', '-v /:/host', '--build-arg X=\n--network=host']) {
      refused(() => settings.changeOptions('web', { add: [bad] }, null), /take --build-arg NAME=VALUE only/);
    }
    settings.changeOptions('web', { add: ['--build-arg GREETING=$GREETING', '--build-arg=MIX=${A}-$B-$MISSING-lit'] }, null);
    assert.deepEqual(settings.resolve('web', { GREETING: 'hi there', A: 'a', B: 'b' }).buildArgs, { GREETING: 'hi there', MIX: 'a-b--lit' });
    assert.deepEqual(settings.changeOptions('web', { remove: ['--build-arg GREETING=$GREETING'] }, null), ['--build-arg=MIX=${A}-$B-$MISSING-lit']);
    // Whatever follows NAME= is the value (handed to the engine as a build arg), never another option.
    settings.changeOptions('web', { clear: true, add: ['--build-arg X=1 --network host'] }, null);
    assert.deepEqual(settings.resolve('web', {}).buildArgs, { X: '1 --network host' });
  });
});
