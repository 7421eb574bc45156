import { PassThrough } from 'node:stream';
import * as tar from 'tar-stream';
import type { RuntimeImages } from '../ports/buildpack';
import type { ContainerEngine } from '../ports/container-engine';

/** Where the versions come from (app/infra/npm: the host's npm asking its registry). */
export interface VersionSource {
  versions(pkg: string): Promise<readonly string[]>;
}

/** A runtime image name buildpacks may ask for: berth/<runtime>:<exact version>. */
const RUNTIME_IMAGE = /^berth\/[a-z0-9-]+:[0-9][0-9A-Za-z.-]*$/;

function contextOf(dockerfile: string): NodeJS.ReadableStream {
  const pack = tar.pack();
  const out = new PassThrough();
  pack.entry({ name: 'Dockerfile', mode: 0o644 }, dockerfile);
  pack.finalize();
  pack.pipe(out);
  return out;
}

/**
 * Runtime images (one per exact version, e.g. berth/node:22.11.0) built on first use and kept:
 * the second app asking for a version finds the image and pays nothing. Kept out of every app's
 * image repository, so pruning or destroying apps never removes them.
 */
export class RuntimeImageCache implements RuntimeImages {
  /** Builds in flight, so two pushes needing the same new version build it once. */
  private readonly building = new Map<string, Promise<{ cached: boolean; seconds: number }>>();

  constructor(private readonly deps: { engine: ContainerEngine; versions: VersionSource; memoryMb: number }) {}

  versions(pkg: string): Promise<readonly string[]> {
    return this.deps.versions.versions(pkg);
  }

  ensure(image: string, dockerfile: string, log: (line: string) => void): Promise<{ cached: boolean; seconds: number }> {
    if (!RUNTIME_IMAGE.test(image)) return Promise.reject(new Error(`not a runtime image name: ${image}`));
    const running = this.building.get(image);
    if (running) return running.then(() => ({ cached: true, seconds: 0 }));
    const job = this.build(image, dockerfile, log).finally(() => this.building.delete(image));
    this.building.set(image, job);
    return job;
  }

  private async build(image: string, dockerfile: string, log: (line: string) => void): Promise<{ cached: boolean; seconds: number }> {
    if (await this.deps.engine.inspectImage(image)) return { cached: true, seconds: 0 };
    const start = process.hrtime.bigint();
    await this.deps.engine.buildImage({
      tag: image,
      context: contextOf(dockerfile),
      labels: { 'berth.runtime': image },
      memoryMb: this.deps.memoryMb,
      onLog: (l) => log(`       ${l}`),
    });
    return { cached: false, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
  }
}
