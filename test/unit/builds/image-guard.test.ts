import assert from 'node:assert/strict';
import { checkDockerfileImages, otherAppOwning, type ImageGuardDeps } from '../../../app/builds/image-guard';
import { BerthError } from '../../../app/errors';
import type { ImageInfo } from '../../../app/ports/container-engine';

const B_ID = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const image = (id: string, tags: string[], more: Partial<ImageInfo> = {}): ImageInfo => ({ id, exposedPort: null, hasCommand: true, tags, ...more });
/** The host's images, found by name or by id prefix as the engine finds them. */
const IMAGES = [
  image(B_ID, ['berth/b:v1', 'shared:1', '127.0.0.1:5000/berth/b:v1'], { repoDigests: ['127.0.0.1:5000/berth/b@sha256:aa'] }),
  image('sha256:ffff', ['berth/a:v1']),
  image('sha256:eeee', ['berth/base:bookworm']),
  image('sha256:dddd', ['berth/node:22.11.0']),
  image('sha256:cccc', ['mybase:1'], { onBuild: ['COPY --from=${FROM_B:-berth/b:v1} / /stolen'] }),
  image('sha256:bbbb', [], {}),
  // Identical builds of a and b: one image with both names.
  image('sha256:aaaa', ['berth/a:v2', 'berth/b:v7']),
];
const asked: string[] = [];
const deps: ImageGuardDeps = {
  engine: {
    inspectImage: async (ref: string) => {
      asked.push(ref);
      const bare = ref.replace(/^sha256:/, '');
      return IMAGES.find((i) => i.tags?.includes(ref) || (/^[0-9a-f]+$/.test(bare) && i.id.slice(7).startsWith(bare))) ?? null;
    },
  },
  appExists: (n) => ['a', 'b', 'node'].includes(n),
  checkRegistry: async (ref) => {
    if (ref.startsWith('localhost:')) throw new BerthError('INVALID_IMAGE', 'own address');
  },
};

async function refused(dockerfile: string, message: string | RegExp, buildArgs: Record<string, string> = {}): Promise<void> {
  await assert.rejects(checkDockerfileImages(dockerfile, 'a', buildArgs, deps), (e: unknown) => {
    assert.ok(e instanceof BerthError && e.code === 'INVALID_IMAGE', String(e));
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  }, dockerfile);
}

const passes = (dockerfile: string, buildArgs: Record<string, string> = {}) => checkDockerfileImages(dockerfile, 'a', buildArgs, deps);

describe('image guard: a Dockerfile reads no other app\'s image', () => {
  it('refuses another app\'s image by name, under any registry, in FROM, COPY --from, RUN --mount from= and ONBUILD', async () => {
    await refused('FROM berth/b:v1\n', 'Dockerfile line 1: "berth/b:v1" is app b\'s image; an app builds on its own images or images from outside berth.');
    for (const ref of ['docker.io/berth/b:v1', 'index.docker.io/berth/b:build-7', '127.0.0.1:5000/berth/b:v3', 'BERTH/B:v1', 'berth/b', 'berth/b@sha256:aa']) {
      await refused(`FROM ${ref}\n`, new RegExp(`^Dockerfile line 1: ".*" is app b's image`));
    }
    await refused('FROM berth/base:bookworm\nCOPY --link \\\n  --from=berth/b:v2 /app /app\n', /^Dockerfile line 2: "berth\/b:v2" is app b's image/);
    await refused('FROM berth/base:bookworm\nRUN --network=none --mount=type=bind,from=berth/b:v1,target=/b cat /b/x\n', /^Dockerfile line 2: "berth\/b:v1" is app b's image/);
    await refused('FROM berth/base:bookworm\nonbuild copy --FROM=berth/b:v1 / /x\n', /^Dockerfile line 2: "berth\/b:v1" is app b's image/);
  });

  it('refuses it through ARG defaults, build args and ${…} forms', async () => {
    await refused('ARG BASE=berth/b:v1\nFROM ${BASE}\n', 'Dockerfile line 2: "${BASE}" (= "berth/b:v1") is app b\'s image; an app builds on its own images or images from outside berth.');
    await refused('ARG BASE="berth/b:v1"\nFROM $BASE\n', /"\$BASE" \(= "berth\/b:v1"\) is app b's image/);
    // A harmless default, overridden by a build arg (docker-options or BERTH_BUILD_ARGS).
    await passes('ARG BASE=berth/base:bookworm\nFROM $BASE\n');
    await refused('ARG BASE=berth/base:bookworm\nFROM $BASE\n', /is app b's image/, { BASE: 'berth/b:v1' });
    await refused('FROM ${NOTSET:-berth/b:v1}\n', /"\$\{NOTSET:-berth\/b:v1\}" \(= "berth\/b:v1"\) is app b's image/);
    await refused('ARG X=b\nARG Y=berth/${X}\nFROM ${Y}:v1\n', /is app b's image/);
    await refused('FROM berth/base:bookworm\nENV N=b\nCOPY --from=berth/${N}:v1 / /x\n', /is app b's image/);
    // Forms berth does not evaluate are refused rather than guessed at.
    await refused('ARG X=berth/c:v1\nFROM ${X/c/b}\n', /^Dockerfile line 2: "\$\{X\/c\/b\}" uses a variable form berth does not read/);
    await refused('FROM "berth/b:v1"\n', /^Dockerfile line 1: the image ""berth\/b:v1"" is quoted or escaped/);
    await refused('FROM ber\\th/b:v1\n', /is quoted or escaped/);
  });

  it('refuses another name or the id of another app\'s image, and a base image whose ONBUILD reads one', async () => {
    await refused('FROM shared:1\n', 'Dockerfile line 1: "shared:1" is app b\'s image; an app builds on its own images or images from outside berth.');
    await refused('FROM 0123456789ab\n', 'Dockerfile line 1: "0123456789ab" names an image by its id; name it as name[:tag] (an id can reach images of other apps that lost their names).');
    await refused(`FROM berth/base:bookworm\nCOPY --from=${B_ID} / /x\n`, /^Dockerfile line 2: ".*" names an image by its id/);
    // An untagged image (an old release's, say) has no owner to see: by id it is refused too.
    await refused('FROM bbbb\n', /names an image by its id/);
    await refused('FROM mybase:1\n', 'ONBUILD of mybase:1: "${FROM_B:-berth/b:v1}" (= "berth/b:v1") is app b\'s image; an app builds on its own images or images from outside berth.');
  });

  it('lets an app build on its own images, berth\'s base and runtime images, stages and scratch; registries on this host go through the registry check', async () => {
    asked.length = 0;
    await passes('FROM berth/a:v1 AS build\nFROM berth/base:bookworm\nCOPY --from=build /a /a\nCOPY --from=0 /b /b\nFROM scratch\nFROM build\n');
    assert.deepEqual(asked, ['berth/a:v1', 'berth/base:bookworm']);
    // berth/node:22.11.0 is a runtime image even with an app called node: only v<N>/build-<N> tags are apps'.
    await passes('FROM berth/node:22.11.0\nRUN --mount=type=cache,target=/c true\n');
    await passes('FROM debian:bookworm\nRUN echo FROM berth/b:v1\n');
    // An image that is also the app's own build (identical sources) is the app's, though it bears b's name too.
    await passes('FROM berth/a:v2\n');
    await refused('FROM localhost:5000/x:1\n', 'own address');
  });

  it('otherAppOwning: names and digests of another app, not the app\'s own, not berth\'s runtime images', () => {
    const exists = (n: string) => ['a', 'b', 'node'].includes(n);
    assert.equal(otherAppOwning(['x:1', '10.0.0.2:5000/berth/b:v9'], 'a', exists), 'b');
    assert.equal(otherAppOwning(['10.0.0.2:5000/berth/b@sha256:aa'], 'a', exists), 'b');
    assert.equal(otherAppOwning(['berth/gone:v3'], 'a', exists), 'gone');
    assert.equal(otherAppOwning(['berth/a:v1', 'berth/node:22.11.0', 'berth/zz:latest', 'berth/x/y:v1'], 'a', exists), null);
    assert.equal(otherAppOwning(['berth/b:v1', '127.0.0.1:5000/berth/a:v4'], 'a', exists), null, 'also the app\'s own: identical builds');
    assert.equal(otherAppOwning(['berth/b:v1', 'berth/a:latest', 'x/berth/a:v1'], 'a', exists), 'b', 'not names berth gives the app');
  });
});
