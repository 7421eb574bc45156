import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { BerthError } from '../../errors';
import { userName } from '../auth-middleware';
import { body } from '../request-body';
import { buildOptionsFor } from '../secret-views';
import type { BuilderDockerfileReport, DockerOptionsResponse, ChecksResponse, ChecksRunResponse } from '../../api-contract';

/** `builder-dockerfile:*`, `docker-options:* build` (the build phase is the only one berth takes options for) and `checks:*`. */
export function buildSettingsRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.get('/apps/:app/builder-dockerfile', need.appRead, (req, res) => {
    const report = berth.buildSettings.report(req.params.app);
    res.json({ ...report, 'docker-options-build': buildOptionsFor(berth, req.user!, req.params.app, report['docker-options-build']) } satisfies BuilderDockerfileReport);
  });
  /** `{ key: "dockerfile-path" | "build-dir" | "buildkit", value: "…" | null }` (null unsets). */
  r.patch('/apps/:app/builder-dockerfile', need.appWrite, (req, res) => {
    const b = body(req);
    res.json(berth.buildSettings.set(req.params.app, b.key, b.value ?? null, userName(req)) satisfies BuilderDockerfileReport);
  });
  r.get('/apps/:app/docker-options', need.appRead, (req, res) => {
    res.json({ build: buildOptionsFor(berth, req.user!, req.params.app, berth.buildSettings.report(req.params.app)['docker-options-build']) } satisfies DockerOptionsResponse);
  });
  /** `{ phase: "build", add?: [...], remove?: [...], clear?: true }`. */
  r.patch('/apps/:app/docker-options', need.appWrite, (req, res) => {
    const b = body(req);
    if (b.phase !== 'build') throw new BerthError('INVALID_BUILD_SETTING', `docker-options phase ${JSON.stringify(b.phase)} is not supported: berth takes build options (--build-arg) only.`);
    const list = (v: unknown, f: string) => {
      if (v !== undefined && !Array.isArray(v)) throw new BerthError('INVALID_INPUT', `"${f}" must be a list of options.`);
      return v as unknown[] | undefined;
    };
    res.json({ build: berth.buildSettings.changeOptions(req.params.app, { add: list(b.add, 'add'), remove: list(b.remove, 'remove'), clear: b.clear === true }, userName(req)) } satisfies DockerOptionsResponse);
  });
  r.get('/apps/:app/checks', need.appRead, (req, res) => { res.json({ checks: berth.checks.report(req.params.app) } satisfies ChecksResponse); });
  /** `{ action: "disable" | "skip" | "enable", types?: [...] }` (no types: every process type). */
  r.patch('/apps/:app/checks', need.appWrite, (req, res) => {
    const b = body(req);
    res.json({ checks: berth.checks.change(req.params.app, b.action, b.types, userName(req)) } satisfies ChecksResponse);
  });
  /** `{ types?: [...] }`: dokku's checks:run, on the running containers of the current release. */
  r.post('/apps/:app/checks/run', need.appWrite, async (req, res) => {
    const types = body(req).types;
    if (types !== undefined && (!Array.isArray(types) || types.some((t) => typeof t !== 'string'))) throw new BerthError('INVALID_INPUT', '"types" must be a list of process types.');
    res.json(await berth.checksRun(req.params.app, types as string[] | undefined) satisfies ChecksRunResponse);
  });
  return r;
}
