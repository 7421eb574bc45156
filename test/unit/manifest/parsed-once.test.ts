import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar-stream';
import { BuildRunner, ImageBuilder, ReleaseMaker, ReleaseProducer } from '../../../app/builds';
import { CronService } from '../../../app/cron';
import { ReleasePipeline, SchedulerRegistry, type StepContext } from '../../../app/deploys';
import { EventsService } from '../../../app/events';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { gatingChecks } from '../../../app/manifest';
import { DeployScripts } from '../../../app/one-off';
import type { AppRecord, BuildRecord, ReleaseRecord, Store } from '../../../app/ports/store';
import type { BuildJob } from '../../../app/ports/build-queue';
import { readersOf, ownersOf } from '../../support/store-readers';

// The parsers, counted where they are defined: every caller, through any import path, goes through
// these module properties (CommonJS reads them at each call).
const appJsonModule = require('../../../app/manifest/app-json') as { parseAppJson: (t: string | null | undefined) => unknown };
const procfileModule = require('../../../app/manifest/procfile') as { parseProcfile: (t: string) => unknown };
const composeModule = require('../../../app/compose/parse-compose') as { parseCompose: (...a: unknown[]) => unknown };

/** Writes a source snapshot (the tar `git archive` makes) of these files. */
async function snapshot(file: string, files: Record<string, string>): Promise<void> {
  const pack = tar.pack();
  for (const [name, text] of Object.entries(files)) pack.entry({ name, type: 'file' }, text);
  pack.finalize();
  const out = fs.createWriteStream(file);
  await new Promise<void>((done, fail) => { pack.pipe(out); out.on('finish', done); out.on('error', fail); });
}

/** Images on a fake host; a build drains its context and "makes" the tag. */
class FakeEngine {
  readonly images = new Map<string, { id: string; exposedPort: number | null; hasCommand: boolean; tags: string[] }>();
  async buildImage(o: { tag: string; context: NodeJS.ReadableStream }) {
    o.context.resume();
    this.images.set(o.tag, { id: `sha256:${o.tag}`, exposedPort: 3000, hasCommand: true, tags: [o.tag] });
    return { exposedPort: 3000, exposedPorts: [] };
  }
  async inspectImage(ref: string) { return this.images.get(ref) ?? null; }
  async tagImage(source: string, repo: string, tag: string) { this.images.set(`${repo}:${tag}`, { ...this.images.get(source)!, tags: [`${repo}:${tag}`] }); }
  async removeImage(ref: string) { this.images.delete(ref); }
}

/**
 * Issue 18: app.json, the Procfile (and the cron entries in app.json) are parsed once per release,
 * when it is built, and everything after — the release record, the deploy's checks, postdeploy,
 * cron, a config re-release, a rollback, reading the releases back — uses the stored, typed
 * manifest. The app's record is read once per run of the pipeline and handed to the steps.
 */
describe('the manifest is parsed once per release; the app record read once per build (real pipeline, builder, store; fake engine and scheduler)', () => {
  let dir: string;
  let store: Store;
  let engine: FakeEngine;
  let runner: BuildRunner;
  let parses: { appJson: number; procfile: number; compose: number };
  let appReads: number;
  const originals = { appJson: appJsonModule.parseAppJson, procfile: procfileModule.parseProcfile, compose: composeModule.parseCompose };
  /** What the scheduler and cron saw: the checks gating web, the record handed to start, the cron entries. */
  let seen: { checks: string[]; app: AppRecord | undefined; cron: string[]; scripts: string[] };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-parsed-once-'));
    store = openSqliteStore(path.join(dir, 'berth.db'));
    store.apps.insert('shop');
    engine = new FakeEngine();
    parses = { appJson: 0, procfile: 0, compose: 0 };
    appReads = 0;
    seen = { checks: [], app: undefined, cron: [], scripts: [] };
    appJsonModule.parseAppJson = (t) => { parses.appJson++; return originals.appJson(t); };
    procfileModule.parseProcfile = (t) => { parses.procfile++; return originals.procfile(t); };
    composeModule.parseCompose = (...a) => { parses.compose++; return originals.compose(...a); };
    const apps = store.apps;
    const get = apps.get.bind(apps);
    (apps as { get: typeof get }).get = (name) => { if (name === 'shop') appReads++; return get(name); };

    const scheduler = {
      name: 'docker-local',
      start: async (r: ReleaseRecord, ctx: StepContext) => { seen.app = ctx.app; return { release: r, made: 'nothing' }; },
      unstart: async () => 'removed nothing',
      checkHealth: async (s: { release: ReleaseRecord }) => { seen.checks.push(...gatingChecks(s.release.manifest, 'web').map((c) => `${c.name} ${c.path}`)); },
      switchTo: async () => undefined, retireOld: async () => undefined, route: async () => undefined, runReleaseCommand: async () => undefined,
    };
    const cron = new CronService({
      ...readersOf(store), runner: { run: async () => 0 },
      scheduler: { replace: async (_app: string, entries: { name: string; schedule: string }[]) => { seen.cron = entries.map((e) => `${e.name} ${e.schedule}`); } } as never,
    });
    const scripts = new DeployScripts({ runner: { run: async (o) => { seen.scripts.push(`${o.kind}: ${String(o.command)}`); return 0; } }, onLive: (r) => cron.activate(r) });
    const maker = new ReleaseMaker({ ...ownersOf(store), engine: engine as never, keepImages: 5 });
    const builder = new ImageBuilder({ engine: engine as never, buildpacks: [], memoryMb: 512, runtimes: {} as never, appExists: (n) => n === 'shop' });
    const repos = { resolveRef: async () => null };
    const pipeline = new ReleasePipeline({
      producer: new ReleaseProducer({ ...ownersOf(store), engine: engine as never, repos: repos as never, builder, releases: maker }),
      schedulers: new SchedulerRegistry({ schedulers: [scheduler as never], settings: store.schedulers, defaultScheduler: 'docker-local' }),
      hooks: { run: async () => undefined }, currentRelease: (app) => store.releases.current(app),
      predeploy: (r, log) => scripts.beforeDeploy(r, log),
    });
    runner = new BuildRunner({
      ...ownersOf(store), store, repos, events: new EventsService(store.events), releases: maker, pipeline, buildLogsDir: path.join(dir, 'logs'), timeoutSeconds: 60,
      urlOf: (app) => `http://${app}.test`, afterDeploy: (r, log) => scripts.afterDeploy(r, log),
      logs: { append: async () => undefined, end: async () => undefined, follow: async () => 'succeeded', close: async () => undefined },
    });
  });
  afterEach(() => {
    appJsonModule.parseAppJson = originals.appJson;
    procfileModule.parseProcfile = originals.procfile;
    composeModule.parseCompose = originals.compose;
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = async (kind: BuildJob['kind'], source: string, snapshotPath: string | null = null): Promise<BuildRecord> => {
    const build = store.builds.create({ app: 'shop', kind, source, snapshotPath, user: 'dana' });
    await runner.handle({ buildId: build.id, app: 'shop', kind }, { signal: new AbortController().signal });
    return store.builds.getById(build.id)!;
  };

  const APP_JSON = `{
    // dokku's format, comments and all
    "healthchecks": { "web": [{ "type": "startup", "name": "ready", "path": "/ready" }] },
    "scripts": { "dokku": { "predeploy": "./migrate", "postdeploy": "./warm" } },
    "cron": [{ "name": "tick", "command": "./tick", "schedule": "@hourly" }],
  }`;

  it('a Dockerfile push: Procfile and app.json parsed once each; deploy, scripts, cron, a config re-release and a rollback parse nothing again', async () => {
    const tarPath = path.join(dir, 'src.tar');
    await snapshot(tarPath, { Dockerfile: 'FROM scratch\nCMD ["/serve"]\n', Procfile: 'web: /serve\nworker: /work\n', 'app.json': APP_JSON });
    const push = await run('push', 'abcdef1234567', tarPath);
    assert.equal(push.status, 'succeeded', push.error ?? '');
    assert.deepEqual(parses, { appJson: 1, procfile: 1, compose: 0 });
    assert.equal(appReads, 1);
    assert.equal(seen.app?.name, 'shop');
    assert.deepEqual(seen.checks, ['ready /ready']);
    assert.deepEqual(seen.scripts, ['predeploy: ./migrate', 'postdeploy: ./warm']);
    assert.deepEqual(seen.cron, ['tick 0 * * * *']);
    const v1 = store.releases.get('shop', 1)!;
    assert.deepEqual(v1.processes, { web: '/serve', worker: '/work' });

    // Releases made from the stored one take its manifest as it is.
    seen = { checks: [], app: undefined, cron: [], scripts: [] };
    assert.equal((await run('config', 'config change')).status, 'succeeded');
    assert.equal((await run('rollback', 'v1')).status, 'succeeded');
    assert.deepEqual(seen.checks, ['ready /ready', 'ready /ready']);
    assert.deepEqual(seen.cron, ['tick 0 * * * *']);
    assert.deepEqual(store.releases.list('shop').map((r) => [r.version, r.manifest.cron.length, Object.keys(r.processes).join(',')]), [[3, 1, 'web,worker'], [2, 1, 'web,worker'], [1, 1, 'web,worker']]);
    assert.deepEqual(parses, { appJson: 1, procfile: 1, compose: 0 });
    // One read per run of the pipeline: the push, the config change, the rollback.
    assert.equal(appReads, 3);
  });

  it('a compose push: the compose file and the app\'s app.json parsed once each (the inner build of its one build: reads neither again)', async () => {
    const tarPath = path.join(dir, 'src.tar');
    await snapshot(tarPath, {
      'compose.yaml': 'services:\n  web:\n    build: ./web\n    command: ["/serve"]\n',
      'web/Dockerfile': 'FROM scratch\nCMD ["/serve"]\n',
      // Files in the build context are the service's source, not the app's manifest: never read as one.
      'web/app.json': '{ "this is": not the app\'s }',
      'app.json': APP_JSON,
    });
    const push = await run('push', 'abcdef1234567', tarPath);
    assert.equal(push.status, 'succeeded', push.error ?? '');
    assert.deepEqual(parses, { appJson: 1, procfile: 0, compose: 1 });
    assert.equal(appReads, 1);
    assert.deepEqual(seen.cron, ['tick 0 * * * *']);
    assert.ok(store.releases.get('shop', 1)!.manifest.compose?.services.web);
  });
});
