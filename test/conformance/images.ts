import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { ContainerEngine } from '../../app/ports/container-engine';

export interface OpenedImages {
  readonly engine: Pick<ContainerEngine, 'inspectImage' | 'tagImage' | 'removeImage'>;
  /** An image that exists (`repo:tag`), with a command and no EXPOSE; the suite never removes it. */
  readonly source: string;
  /** Removes what the suite made under `repo`. */
  close(repo: string): Promise<void>;
}

/**
 * The image calls of the ContainerEngine port (what ReleaseMaker and the release pipeline rely on:
 * app/ports/container-engine.ts), run against Docker (test/integration/images-conformance.test.ts)
 * and the unit tests' InMemoryImages (test/unit/conformance/images.test.ts).
 */
export function imagesConformance(name: string, open: () => Promise<OpenedImages>): void {
  describe(`images conformance: ${name}`, function () {
    this.timeout(30_000);
    let opened: OpenedImages;
    let repo: string;
    beforeEach(async () => {
      opened = await open();
      repo = `berth-conformance-${randomBytes(4).toString('hex')}/app`;
    });
    afterEach(async () => { await opened?.close(repo); });

    it('inspecting a missing image answers null', async () => {
      assert.equal(await opened.engine.inspectImage(`${repo}:missing`), null);
    });

    it('inspects an image: its id, exposed port, command and names; by its id too', async () => {
      const info = (await opened.engine.inspectImage(opened.source))!;
      assert.match(info.id, /^sha256:[0-9a-f]{64}$/);
      assert.deepEqual([info.exposedPort, info.hasCommand, info.tags?.includes(opened.source)], [null, true, true]);
      assert.equal((await opened.engine.inspectImage(info.id))?.id, info.id);
    });

    it('a tag names the same image; a reference without a tag means :latest', async () => {
      const { id } = (await opened.engine.inspectImage(opened.source))!;
      await opened.engine.tagImage(opened.source, repo, 'v1');
      await opened.engine.tagImage(opened.source, repo, 'latest');
      const v1 = (await opened.engine.inspectImage(`${repo}:v1`))!;
      assert.equal(v1.id, id);
      assert.ok(v1.tags?.includes(`${repo}:v1`) && v1.tags.includes(`${repo}:latest`), String(v1.tags));
      assert.equal((await opened.engine.inspectImage(repo))?.id, id);
      assert.equal((await opened.engine.inspectImage(opened.source))?.id, id, 'the source keeps its name');
    });

    it('tagging an image that does not exist fails with docker\'s "No such image" and names nothing', async () => {
      await assert.rejects(opened.engine.tagImage(`${repo}:gone`, repo, 'v1'), { code: 'INTERNAL', message: `No such image: ${repo}:gone` });
      assert.equal(await opened.engine.inspectImage(`${repo}:v1`), null);
    });

    it('removing a name leaves the image\'s other names; removing it again is fine', async () => {
      await opened.engine.tagImage(opened.source, repo, 'v1');
      await opened.engine.tagImage(opened.source, repo, 'v2');
      await opened.engine.removeImage(`${repo}:v1`);
      assert.equal(await opened.engine.inspectImage(`${repo}:v1`), null);
      const v2 = (await opened.engine.inspectImage(`${repo}:v2`))!;
      assert.ok(v2.tags?.includes(`${repo}:v2`) && !v2.tags.includes(`${repo}:v1`), String(v2.tags));
      await opened.engine.removeImage(`${repo}:v1`);
      assert.ok(await opened.engine.inspectImage(opened.source), 'the source is untouched');
    });
  });
}
