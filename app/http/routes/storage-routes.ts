import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { BerthError } from '../../errors';
import { userName } from '../auth-middleware';
import { body } from '../request-body';
import type { MountResponse, MountsResponse, StorageDirectoryResponse } from '../../api-contract';

function mountField(value: unknown): string {
  if (typeof value !== 'string' || !value) throw new BerthError('INVALID_STORAGE_MOUNT', '"mount" must be <volume-name|/host/path>:/container/path.');
  return value;
}

export function storageRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.get('/apps/:app/storage', need.appRead, (req, res) => { res.json({ mounts: berth.storage.list(req.params.app, { hostPaths: req.user?.role === 'admin' }) } satisfies MountsResponse); });
  /** `{ mount: "data:/data" }` */
  r.post('/apps/:app/storage', need.appWrite, (req, res) => {
    res.status(201).json({ mount: berth.storage.mount(req.params.app, mountField(body(req).mount), req.user ?? null) } satisfies MountResponse);
  });
  /** `{ name: "uploads", chown?: "herokuish" | "heroku" | "paketo" | "root" | "false" | "<uid>" }`: dokku's storage:ensure-directory. */
  r.post('/apps/:app/storage/directories', need.appWrite, (req, res) => {
    const b = body(req);
    if (b.chown !== undefined && typeof b.chown !== 'string') throw new BerthError('INVALID_INPUT', '"chown" must be a string: herokuish, heroku, paketo, root, false or a uid.');
    res.status(201).json({ directory: berth.storage.ensureDirectory(req.params.app, b.name, b.chown, req.user ?? null) } satisfies StorageDirectoryResponse);
  });
  /** `{ mount: "data:/data" }` or `{ mount: "/data" }` */
  r.post('/apps/:app/storage/unmount', need.appWrite, (req, res) => {
    res.json({ mount: berth.storage.unmount(req.params.app, mountField(body(req).mount), userName(req)) } satisfies MountResponse);
  });
  return r;
}
