import path from 'node:path';
import { BerthError } from '../errors';
import type { AppsReader } from '../apps/apps-reader';
import type { AppDiskView } from '../api-contract';
import type { DiskEngine, RouterLogFiles } from '../ports/disk';
import { diskBytes, filesBytes } from './du';
import { imageRepo } from '../naming/container-names';

/** `berth apps:disk <app>` (the wire shape is the report). */
export type AppDiskReport = AppDiskView;

export interface AppDiskDeps {
  readonly apps: AppsReader;
  readonly engine: DiskEngine;
  /** The app's named volumes and its storage folder (StorageService.dataOf). */
  readonly dataOf: (app: string) => { volumes: readonly string[]; root: string };
  /** The ids of the app's builds, whose logs are `<buildLogsDir>/<id>.log`. */
  readonly buildIdsOf: (app: string) => readonly number[];
  readonly buildLogsDir: string;
  /** `$BERTH_HOME/logs/apps`: one folder per app (LogArchive). */
  readonly appLogsDir: string;
  readonly routerLogs: Pick<RouterLogFiles, 'dir'>;
  /** `$BERTH_HOME/snapshots`: one folder per app id (app/snapshots). */
  readonly snapshotsDir: string;
}

export async function appDiskReport(deps: AppDiskDeps, app: string): Promise<AppDiskReport> {
  const record = deps.apps.find(app);
  if (!record) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
  const data = deps.dataOf(app);
  const images = await deps.engine.imagesOf(imageRepo(app));
  const volumes = await Promise.all(data.volumes.map(async (name) => {
    const dir = await deps.engine.volumeDir(name);
    return { name, bytes: dir === null ? 0 : diskBytes(dir) };
  }));
  const builds = new Set(deps.buildIdsOf(app).map((id) => `${id}.log`));
  const logs = {
    builds: filesBytes(deps.buildLogsDir, (n) => builds.has(n)),
    archive: diskBytes(path.join(deps.appLogsDir, app)),
    router: filesBytes(deps.routerLogs.dir, (n) => n.startsWith(`${app}.access.log`) || n.startsWith(`${app}.error.log`)),
  };
  const storageBytes = diskBytes(data.root);
  const snapshotsBytes = diskBytes(path.join(deps.snapshotsDir, record.id));
  const totalBytes = images.reduce((s, i) => s + i.bytes, 0) + volumes.reduce((s, v) => s + v.bytes, 0)
    + storageBytes + logs.builds + logs.archive + logs.router + snapshotsBytes;
  return { app, images, volumes, storageBytes, logs, snapshotsBytes, totalBytes };
}
