import { imagesConformance } from '../../conformance/images';
import { InMemoryImages } from '../../support/fakes/images';

imagesConformance('InMemoryImages (test/support/fakes)', async () => {
  const engine = new InMemoryImages();
  const source = 'berth/busybox:latest';
  engine.images.set(source, { id: `sha256:${'b'.repeat(64)}`, exposedPort: null, hasCommand: true, tags: [source], repoDigests: [], onBuild: [] });
  return { engine, source, close: async () => undefined };
});
