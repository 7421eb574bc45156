/**
 * Build-cache bench (issue #4): the node buildpack building a small express app (72 packages
 * from npm's registry) cold — manifest changed, so dependencies install — versus after a
 * code-only change, alternating in one run. Uses berth's own ImageBuilder against the real
 * engine, so it measures the build phase exactly as a push runs it. Target ratio ≤ 0.3.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImageBuilder, RuntimeImageCache } from '../../app/builds';
import { NpmVersions } from '../../app/infra/npm';
import { createDockerEngine } from '../../app/infra/docker';
import type { AppRecord } from '../../app/ports/store';
import { loadBuildpacks } from '../../buildpacks';
import { ROOT } from '../support/berth-process';
import { median, type BenchResult } from './bench-types';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

export async function run(): Promise<BenchResult> {
  const engine = createDockerEngine({ socketPath: '/var/run/docker.sock' });
  const runtimes = new RuntimeImageCache({ engine, versions: new NpmVersions(), memoryMb: 2048 });
  const builder = new ImageBuilder({ engine, buildpacks: loadBuildpacks(), memoryMb: 2048, runtimes });
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cache-'));
  fs.cpSync(path.join(ROOT, 'test/fixtures/apps/bench-express'), src, { recursive: true });
  const app: AppRecord = {
    id: 'bench0cache0', name: 'bench-cache', createdAt: '', deployBranch: 'main', builder: null, buildpack: null,
    restartPolicy: 'no', memoryMb: null, cpus: null,
  };
  const tags: string[] = [];
  const build = async (): Promise<{ seconds: number; log: string[] }> => {
    const tarPath = `${src}.tar`;
    spawnSync('tar', ['-cf', tarPath, '-C', src, '.']);
    const tag = `berth-bench/cache:${crypto.randomBytes(3).toString('hex')}`;
    tags.push(tag);
    const log: string[] = [];
    const t0 = process.hrtime.bigint();
    await builder.build(app, { snapshotPath: tarPath, tag, buildArgs: {}, log: (l) => log.push(l), signal: new AbortController().signal });
    return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, log };
  };
  const pkgFile = path.join(src, 'package.json');
  const serverFile = path.join(src, 'server.js');
  try {
    await build(); // warm the runtime image and the stages that never change
    const cold: number[] = [];
    const code: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
      pkg.description = `cold ${crypto.randomUUID()}`;
      fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
      cold.push((await build()).seconds);
      fs.appendFileSync(serverFile, `// change ${i}\n`);
      const rebuilt = await build();
      if (!rebuilt.log.join('\n').includes('Using cache')) throw new Error('the code-only rebuild did not reuse any layer');
      code.push(rebuilt.seconds);
    }
    return {
      name: 'build-cache',
      method: `node buildpack, express app (72 packages), ${ROUNDS} alternating rounds, medians of the build phase`,
      figures: [
        { label: 'cold build, dependencies installed (s)', value: median(cold).toFixed(2) },
        { label: 'code-only rebuild (s)', value: median(code).toFixed(2) },
        { label: 'code-only / cold ratio', value: (median(code) / median(cold)).toFixed(2), target: '≤ 0.3' },
      ],
    };
  } finally {
    for (const t of tags) spawnSync('docker', ['rmi', '-f', t]);
    fs.rmSync(src, { recursive: true, force: true });
    fs.rmSync(`${src}.tar`, { force: true });
  }
}

if (require.main === module) {
  run().then((r) => { console.log(JSON.stringify(r, null, 2)); process.exit(0); }, (e) => { console.error(e); process.exit(1); });
}
