import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { BerthError } from '../../errors';
import { userName } from '../auth-middleware';
import { body } from '../request-body';
import type { SecretsMode } from '../../server-file';
import type { ServerExportResponse, ServerApplyResponse } from '../../api-contract';

/**
 * `berth export` / `berth apply` (docs/server-file.md): admins only. An export holds every app's
 * config (sealed, kept or, when asked, in plaintext) and an apply changes any app, service or plugin.
 */
export function serverFileRoutes(berth: Pick<HttpServices, 'serverFile'>): GuardedRouter {
  const r = strictRouter();
  /** `{ passphrase?: "…", includeSecrets?: true }` → `{ yaml }`. */
  r.post('/server/export', need.admin, (req, res) => {
    const b = body(req);
    const passphrase = optionalPassphrase(b.passphrase);
    if (passphrase !== undefined && b.includeSecrets === true) throw new BerthError('INVALID_INPUT', 'Give a passphrase (secrets sealed) or includeSecrets (plaintext), not both.');
    const mode: SecretsMode = passphrase !== undefined ? { passphrase } : b.includeSecrets === true ? 'plaintext' : 'keep';
    res.json({ yaml: berth.serverFile.export(mode) } satisfies ServerExportResponse);
  });
  /** `{ file: "<berth.yaml>", passphrase?: "…", dryRun?: true }` → `{ changes: [...], applied }`. */
  r.post('/server/apply', need.admin, async (req, res) => {
    const b = body(req);
    if (typeof b.file !== 'string') throw new BerthError('INVALID_INPUT', '"file" (the text of berth.yaml) is required.');
    const by = { name: userName(req) ?? 'admin', role: req.user!.role };
    res.json(await berth.serverFile.apply(b.file, { passphrase: optionalPassphrase(b.passphrase), dryRun: b.dryRun === true, by }) satisfies ServerApplyResponse);
  });
  return r;
}

function optionalPassphrase(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new BerthError('INVALID_INPUT', '"passphrase" must be a string.');
  return v;
}
