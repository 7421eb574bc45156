/**
 * The one answer each API route gives each kind of bad input (test/integration/bad-input.test.ts).
 * test/unit/http/bad-input-answers.test.ts keeps these tables complete against the routes the
 * express app registers: a new route without its entry, or an entry for a route that is gone,
 * fails it. An answer is [error code, status]; a null code is a success (no error body).
 */
export type Answer = readonly [code: string | null, status: number];

/** Not sent, and why (the route reads no body, or `{}` is complete input that would act). */
export interface NotSent { readonly notSent: string }

const READS_NO_BODY = 'reads no body: {} lacks nothing, and with an id that exists it would act on it';

/**
 * `{}` sent with ids that exist (the test's app, its redis service, plugin redis), so the route's
 * own check of its fields answers, not a 404. Every changing API route has an entry.
 */
export const EMPTY_BODY: Readonly<Record<string, Answer | NotSent>> = {
  'POST /api/v1/users': ['INVALID_USER_NAME', 422],
  'DELETE /api/v1/users/:name': { notSent: READS_NO_BODY },
  'PATCH /api/v1/users/:name': ['INVALID_ROLE', 422],
  'POST /api/v1/apps/:app/collaborators': ['INVALID_USER_NAME', 422],
  'DELETE /api/v1/apps/:app/collaborators/:user': { notSent: READS_NO_BODY },
  'POST /api/v1/tokens': ['INVALID_TOKEN_NAME', 422],
  'DELETE /api/v1/tokens/:name': { notSent: READS_NO_BODY },
  'POST /api/v1/apps/:app/log-drains': ['INVALID_INPUT', 400],
  'DELETE /api/v1/apps/:app/log-drains': ['INVALID_INPUT', 400],
  'POST /api/v1/log-drains': ['INVALID_INPUT', 400],
  'DELETE /api/v1/log-drains': ['INVALID_INPUT', 400],
  'POST /api/v1/ssh-keys': ['INVALID_INPUT', 400],
  'DELETE /api/v1/ssh-keys/:name': { notSent: READS_NO_BODY },
  'POST /api/v1/apps': ['INVALID_APP_NAME', 422],
  // A cleanup runs only when the body says dryRun true or false.
  'POST /api/v1/cleanup': ['INVALID_INPUT', 400],
  'PATCH /api/v1/apps/:app': ['INVALID_APP_NAME', 422],
  'POST /api/v1/apps/:app/lock': { notSent: `${READS_NO_BODY} (a locked app would answer APP_LOCKED to the routes after it)` },
  'DELETE /api/v1/apps/:app/lock': { notSent: READS_NO_BODY },
  'DELETE /api/v1/apps/:app': ['CONFIRMATION_REQUIRED', 422],
  // No builder named: back to detection, which the app already uses.
  'PATCH /api/v1/apps/:app/builder': [null, 200],
  'PATCH /api/v1/apps/:app/git': ['INVALID_BRANCH', 422],
  // Nothing to set or unset: the config is unchanged (the test checks KEEP survives).
  'PATCH /api/v1/apps/:app/config': [null, 200],
  // Bodyless routes that answer from the app's state (nothing running, nothing deployed, no certificate).
  'POST /api/v1/apps/:app/builds/cancel': ['NO_BUILD_RUNNING', 422],
  'POST /api/v1/apps/:app/deploys': ['INVALID_IMAGE', 422],
  'POST /api/v1/apps/:app/deploys/archive': ['INVALID_INPUT', 400],
  'POST /api/v1/apps/:app/releases/rollback': ['NO_RELEASE', 422],
  'POST /api/v1/apps/:app/ps/scale': ['INVALID_SCALE', 422],
  'POST /api/v1/apps/:app/ps/restart': ['NO_RELEASE', 422],
  'POST /api/v1/apps/:app/ps/rebalance': ['NO_RELEASE', 422],
  'POST /api/v1/apps/:app/ps/stop': { notSent: `${READS_NO_BODY} (it queues a stop build)` },
  'POST /api/v1/apps/:app/ps/start': ['NO_RELEASE', 422],
  'POST /api/v1/apps/:app/ps/rebuild': ['NO_RELEASE', 422],
  'PATCH /api/v1/apps/:app/ps': ['INVALID_PS_SETTING', 422],
  'PATCH /api/v1/apps/:app/resources': ['INVALID_RESOURCE_LIMIT', 422],
  'POST /api/v1/apps/:app/storage': ['INVALID_STORAGE_MOUNT', 422],
  'POST /api/v1/apps/:app/storage/unmount': ['INVALID_STORAGE_MOUNT', 422],
  // No folder name (the caller is an admin).
  'POST /api/v1/apps/:app/storage/directories': ['INVALID_STORAGE_MOUNT', 422],
  'PATCH /api/v1/apps/:app/proxy': ['INVALID_INPUT', 400],
  // No types: every type's checks, of a release the app does not have yet.
  'POST /api/v1/apps/:app/checks/run': ['NO_RELEASE', 422],
  'PATCH /api/v1/apps/:app/domains': ['INVALID_INPUT', 400],
  'PATCH /api/v1/domains': ['INVALID_INPUT', 400],
  'PATCH /api/v1/apps/:app/ports': ['INVALID_INPUT', 400],
  // No setting named: the app's nginx settings are listed, unchanged.
  'PATCH /api/v1/apps/:app/nginx': [null, 200],
  'POST /api/v1/apps/:app/certs': ['INVALID_CERTIFICATE', 422],
  'DELETE /api/v1/apps/:app/certs': ['CERT_NOT_FOUND', 404],
  // {} is a valid letsencrypt:enable; the test's ACME directory (port 9) refuses at once.
  'POST /api/v1/apps/:app/letsencrypt': ['ACME_FAILED', 422],
  // Reads no body; the app has Let's Encrypt off, so disabling it changes nothing.
  'DELETE /api/v1/apps/:app/letsencrypt': [null, 200],
  'POST /api/v1/apps/:app/letsencrypt/renew': ['ACME_NOT_ENABLED', 422],
  'PATCH /api/v1/apps/:app/builder-dockerfile': ['INVALID_BUILD_SETTING', 422],
  'PATCH /api/v1/apps/:app/docker-options': ['INVALID_BUILD_SETTING', 422],
  'PATCH /api/v1/apps/:app/checks': ['INVALID_INPUT', 400],
  // No settings: nothing to change.
  'PATCH /api/v1/apps/:app/deploy-watch': ['INVALID_INPUT', 400],
  'POST /api/v1/registry/logins': ['INVALID_REGISTRY_LOGIN', 422],
  'POST /api/v1/apps/:app/git-sync': ['INVALID_REPO_URL', 422],
  'POST /api/v1/apps/:app/git-auth': ['INVALID_INPUT', 400],
  'DELETE /api/v1/apps/:app/git-auth': ['INVALID_INPUT', 400],
  'POST /api/v1/apps/:app/webhooks': ['INVALID_WEBHOOK_PROVIDER', 422],
  'DELETE /api/v1/apps/:app/webhooks/:provider': { notSent: READS_NO_BODY },
  'DELETE /api/v1/registry/logins/:server': { notSent: READS_NO_BODY },
  // {} is a complete export request: secrets written as { keep: true }, nothing changed.
  'POST /api/v1/server/export': [null, 200],
  'POST /api/v1/server/apply': ['INVALID_INPUT', 400],
  'POST /api/v1/notifications': ['INVALID_NOTIFICATION_TARGET', 422],
  'POST /api/v1/apps/:app/notifications': ['INVALID_NOTIFICATION_TARGET', 422],
  'POST /api/v1/notifications/smtp': ['INVALID_SMTP_SETTINGS', 422],
  'DELETE /api/v1/notifications/:id': { notSent: READS_NO_BODY },
  'DELETE /api/v1/apps/:app/notifications/:id': { notSent: READS_NO_BODY },
  'POST /api/v1/notifications/:id/test': { notSent: `${READS_NO_BODY} (it queues a test notification)` },
  'POST /api/v1/apps/:app/notifications/:id/test': { notSent: `${READS_NO_BODY} (it queues a test notification)` },
  'POST /api/v1/services/:plugin': ['INVALID_INPUT', 400],
  'DELETE /api/v1/services/:plugin/:name': ['CONFIRMATION_REQUIRED', 422],
  'POST /api/v1/services/:plugin/:name/links': ['INVALID_INPUT', 400],
  // Reads no body; the service is linked to no app.
  'DELETE /api/v1/services/:plugin/:name/links/:app': ['SERVICE_NOT_LINKED', 422],
  'POST /api/v1/services/:plugin/:name/:action': { notSent: `${READS_NO_BODY} (the action, stop/start/restart, is the path)` },
  'POST /api/v1/services/:plugin/:name/expose': ['SERVICE_PORT_INVALID', 422],
  // Reads no body; the service is not exposed, so there is nothing to undo.
  'DELETE /api/v1/services/:plugin/:name/expose': [null, 200],
  'POST /api/v1/services/:plugin/:name/upgrade': { notSent: '{} is a valid upgrade: it would recreate the service' },
  // The dump is the raw body (octet-stream); a JSON body is refused before anything is read.
  'POST /api/v1/services/:plugin/:name/import': ['INVALID_INPUT', 400],
  'POST /api/v1/services/:plugin/:name/backups': { notSent: '{} is a valid backup: it would back the service up' },
  // No backup, schedule or login named x exists (and x is too short for a bucket name).
  'POST /api/v1/services/:plugin/:name/backups/:id/restore': ['BACKUP_NOT_FOUND', 404],
  'POST /api/v1/services/:plugin/:name/backups/:id/verify': ['BACKUP_NOT_FOUND', 404],
  'POST /api/v1/services/:plugin/:name/backup-schedules/:schedule': ['BACKUP_SCHEDULE_INVALID', 422],
  'DELETE /api/v1/services/:plugin/:name/backup-schedules/:schedule': ['BACKUP_SCHEDULE_NOT_FOUND', 404],
  'POST /api/v1/backups/s3/:bucket': ['BACKUP_TARGET_INVALID', 422],
  'POST /api/v1/berth/backup': { notSent: READS_NO_BODY },
  // The archive comes raw (application/octet-stream), or a JSON body names an S3 object: {} names none.
  'POST /api/v1/berth/restore': ['INVALID_INPUT', 400],
  'POST /api/v1/berth/backups': { notSent: '{} is a valid backup: it would back berth up into its backup directory' },
  'POST /api/v1/berth/backup-schedule': ['INVALID_INPUT', 400],
  'DELETE /api/v1/berth/backup-schedule': { notSent: `${READS_NO_BODY}: it would turn berth's backup schedule off` },
  'DELETE /api/v1/backups/s3/:bucket': ['BACKUP_TARGET_INVALID', 422],
  'POST /api/v1/plugins': ['INVALID_INPUT', 400],
  'POST /api/v1/plugins/:id/:action': { notSent: `${READS_NO_BODY} (the action is the path)` },
  // redis declares no API routes of its own.
  'POST /api/v1/plugins/:id/api/*rest': ['NOT_FOUND', 404],
  'PATCH /api/v1/apps/:app/scheduler': ['INVALID_SCHEDULER', 422],
  'PATCH /api/v1/apps/:app/placement': ['INVALID_INPUT', 400],
  'POST /api/v1/swarm/init': { notSent: '{} is complete input: it would make this Docker Engine a swarm manager' },
  // No node exists without a swarm; the labels are checked first.
  'POST /api/v1/nodes/:node/labels': ['INVALID_INPUT', 400],
  // No swarm on the bad-input test's engine: a node is looked for only in one.
  'POST /api/v1/nodes/add': ['SWARM_NOT_ACTIVE', 503],
  'DELETE /api/v1/routers/:name': { notSent: READS_NO_BODY },
  // No route feed on the test's berth (deploy checks it first), no swarm on its engine (remove).
  'POST /api/v1/routers/deploy': ['ROUTER_FEED_OFF', 409],
  'POST /api/v1/routers/remove': ['SWARM_NOT_ACTIVE', 503],
  'POST /api/v1/nodes/:node/drain': ['SWARM_NOT_ACTIVE', 503],
  'POST /api/v1/nodes/:node/remove': ['SWARM_NOT_ACTIVE', 503],
};

/** Bad values for one path parameter at a time (the other parameters name things that exist). */
export const WEIRD_VALUES: Readonly<Record<string, string>> = {
  dotdot: '..%2F..%2Fetc', nul: '%00', long: 'A'.repeat(300), shell: 'x;rm -rf',
};

/** A parameter that is no valid percent-encoding: express refuses to decode it, on every route. */
export const BAD_ENCODING = { value: '%E0%A4%A', answer: ['INVALID_INPUT', 400] as Answer };

/**
 * What a WEIRD_VALUES value in a parameter answers, by what the parameter names: the route
 * template up to it (`/api/v1/apps/:app` for every route under an app).
 */
export const BAD_PARAM: Readonly<Record<string, Answer>> = {
  '/api/v1/apps/:app': ['APP_NOT_FOUND', 404],
  '/api/v1/apps/:app/collaborators/:user': ['INVALID_USER_NAME', 422],
  '/api/v1/apps/:app/builds/:id': ['INVALID_INPUT', 400],
  '/api/v1/users/:name': ['INVALID_USER_NAME', 422],
  '/api/v1/tokens/:name': ['TOKEN_NOT_FOUND', 404],
  '/api/v1/ssh-keys/:name': ['SSH_KEY_NOT_FOUND', 404],
  '/api/v1/networks/:name': ['NETWORK_NOT_FOUND', 404],
  '/api/v1/registry/logins/:server': ['INVALID_REGISTRY_LOGIN', 422],
  '/api/v1/apps/:app/webhooks/:provider': ['INVALID_WEBHOOK_PROVIDER', 422],
  '/api/v1/notifications/:id': ['NOTIFICATION_NOT_FOUND', 404],
  '/api/v1/apps/:app/notifications/:id': ['NOTIFICATION_NOT_FOUND', 404],
  '/api/v1/services/:plugin': ['SERVICE_PLUGIN_NOT_FOUND', 404],
  '/api/v1/services/:plugin/:name': ['INVALID_SERVICE_NAME', 422],
  '/api/v1/services/:plugin/:name/:action': ['NOT_FOUND', 404],
  '/api/v1/services/:plugin/:name/links/:app': ['SERVICE_NOT_LINKED', 422],
  '/api/v1/services/:plugin/:name/backups/:id': ['BACKUP_NOT_FOUND', 404],
  '/api/v1/services/:plugin/:name/backup-schedules/:schedule': ['BACKUP_SCHEDULE_INVALID', 422],
  '/api/v1/backups/s3/:bucket': ['BACKUP_TARGET_INVALID', 422],
  '/api/v1/berth/backups/:name': ['BACKUP_NOT_FOUND', 404],
  '/api/v1/plugins/:id': ['NOT_FOUND', 404],
  '/api/v1/plugins/:id/:action': ['NOT_FOUND', 404],
  '/api/v1/plugins/:id/api/*rest': ['NOT_FOUND', 404],
  // The only route under a node checks its labels first, and no node exists without a swarm.
  '/api/v1/nodes/:node': ['INVALID_INPUT', 400],
  '/api/v1/routers/:name': ['ROUTER_NOT_FOUND', 404],
};

/**
 * Routes whose answer to a bad parameter is not BAD_PARAM's, keyed `METHOD /path :param` (or
 * `… :param=<WEIRD_VALUES name>` for one value), each with the reason.
 */
export const BAD_PARAM_EXCEPTIONS: Readonly<Record<string, Answer>> = {
  // The app's name is checked as a name before it is looked up.
  'GET /api/v1/apps/:app/git-remotes :app': ['INVALID_APP_NAME', 422],
  // Builds are looked up by app and number together.
  'GET /api/v1/apps/:app/builds/:id :app': ['BUILD_NOT_FOUND', 404],
  'GET /api/v1/apps/:app/builds/:id/log :app': ['BUILD_NOT_FOUND', 404],
  // The body `{}` is checked before the app is looked up.
  'PATCH /api/v1/apps/:app :app': ['INVALID_APP_NAME', 422],
  'PATCH /api/v1/apps/:app/git :app': ['INVALID_BRANCH', 422],
  'POST /api/v1/apps/:app/ps/scale :app': ['INVALID_SCALE', 422],
  'POST /api/v1/apps/:app/storage :app': ['INVALID_STORAGE_MOUNT', 422],
  'POST /api/v1/apps/:app/storage/unmount :app': ['INVALID_STORAGE_MOUNT', 422],
  'PATCH /api/v1/apps/:app/domains :app': ['INVALID_INPUT', 400],
  'PATCH /api/v1/apps/:app/ports :app': ['INVALID_INPUT', 400],
  'PATCH /api/v1/apps/:app/docker-options :app': ['INVALID_BUILD_SETTING', 422],
  'PATCH /api/v1/apps/:app/placement :app': ['INVALID_INPUT', 400],
  // Draining or removing a node looks for it in the swarm, which the test's engine does not have.
  'POST /api/v1/nodes/:node/drain :node': ['SWARM_NOT_ACTIVE', 503],
  'POST /api/v1/nodes/:node/remove :node': ['SWARM_NOT_ACTIVE', 503],
  'POST /api/v1/services/:plugin :plugin': ['INVALID_INPUT', 400],
  'POST /api/v1/services/:plugin/:name/links :plugin': ['INVALID_INPUT', 400],
  'POST /api/v1/services/:plugin/:name/links :name': ['INVALID_INPUT', 400],
  'POST /api/v1/services/:plugin/:name/expose :plugin': ['SERVICE_PORT_INVALID', 422],
  'POST /api/v1/services/:plugin/:name/expose :name': ['SERVICE_PORT_INVALID', 422],
  // The authorization layer reads `;` where the router took it as part of the segment: the
  // route guard refuses a path not spelled as the route (app/http/route-guard.ts).
  'DELETE /api/v1/services/:plugin/:name/links/:app :app=shell': ['FORBIDDEN', 403],
  'POST /api/v1/services/:plugin/:name/:action :action=shell': ['FORBIDDEN', 403],
  'POST /api/v1/services/:plugin/:name/backups/:id/restore :id=shell': ['FORBIDDEN', 403],
  'POST /api/v1/services/:plugin/:name/backups/:id/verify :id=shell': ['FORBIDDEN', 403],
  'POST /api/v1/services/:plugin/:name/backup-schedules/:schedule :schedule=shell': ['FORBIDDEN', 403],
  'DELETE /api/v1/services/:plugin/:name/backup-schedules/:schedule :schedule=shell': ['FORBIDDEN', 403],
};

/** The query string every GET route is sent (with ids that exist). */
export const BAD_QUERY = '?follow=%&tail=-5&limit=abc';

/** GET routes that read `tail` or `limit`, or answer from the app's state (no build 1, no release); every other GET route answers 200. */
export const QUERY_ANSWERS: Readonly<Record<string, Answer>> = {
  'GET /api/v1/events': ['INVALID_INPUT', 400],
  'GET /api/v1/apps/:app/builds': ['INVALID_INPUT', 400],
  'GET /api/v1/apps/:app/nginx/access-logs': ['INVALID_INPUT', 400],
  'GET /api/v1/apps/:app/nginx/error-logs': ['INVALID_INPUT', 400],
  'GET /api/v1/apps/:app/logs': ['INVALID_INPUT', 400],
  'GET /api/v1/services/:plugin/:name/logs': ['INVALID_INPUT', 400],
  // berth has no backup named x.
  'GET /api/v1/berth/backups/:name': ['BACKUP_NOT_FOUND', 404],
  // The app has no build 1.
  'GET /api/v1/apps/:app/builds/:id': ['BUILD_NOT_FOUND', 404],
  'GET /api/v1/apps/:app/builds/:id/log': ['BUILD_NOT_FOUND', 404],
  // The rollback preview: the app has no release to roll back from.
  'GET /api/v1/apps/:app/releases/rollback': ['NO_RELEASE', 422],
  // A network is named by its app's id, which the table cannot know: x names none.
  'GET /api/v1/networks/:name': ['NETWORK_NOT_FOUND', 404],
  // Decided by this Docker Engine: the test reads `docker info` and expects 200 in an active swarm.
  'GET /api/v1/nodes': ['SWARM_NOT_ACTIVE', 503],
};

/**
 * The dashboard, signed in as the admin: what a page (GET) answers to a WEIRD_VALUES value in a
 * parameter, by what the parameter names — the status and the error code its page names (`<title>`).
 */
export const DASHBOARD_PAGE_BAD_PARAM: Readonly<Record<string, Answer>> = {
  '/apps/:app': ['APP_NOT_FOUND', 404],
  '/apps/:app/builds/:id': ['INVALID_INPUT', 400],
  // The confirmation pages know their actions by name (e.g. rollback): any other is no page.
  '/apps/:app/confirm/:what': ['NOT_FOUND', 404],
  '/services/:plugin': ['SERVICE_PLUGIN_NOT_FOUND', 404],
  '/services/:plugin/:name': ['INVALID_SERVICE_NAME', 422],
  '/services/:plugin/:name/backups/:id': ['BACKUP_NOT_FOUND', 404],
  '/berth/backups/:name': ['BACKUP_NOT_FOUND', 404],
};

/**
 * Dashboard pages and forms refused (403 FORBIDDEN) for a value, keyed `METHOD /path :param=<WEIRD_VALUES name>`:
 * the authorization layer reads `;` where the router took it as part of the segment, and the route
 * guard refuses a path not spelled as the route (as the API's entries in BAD_PARAM_EXCEPTIONS).
 */
export const DASHBOARD_MISSPELLED: ReadonlySet<string> = new Set([
  'GET /services/:plugin/:name/backups/:id/restore :id=shell',
  'POST /services/:plugin/:name/backups/:id/restore :id=shell',
]);

/** Pages whose answer is not DASHBOARD_PAGE_BAD_PARAM's, keyed as BAD_PARAM_EXCEPTIONS. */
export const DASHBOARD_PAGE_EXCEPTIONS: Readonly<Record<string, Answer>> = {
  // A build's log is looked up by app and number together.
  'GET /apps/:app/builds/:id/log.txt :app': ['BUILD_NOT_FOUND', 404],
  'GET /apps/:app/builds/:id/stream :app': ['BUILD_NOT_FOUND', 404],
};

/**
 * Where a dashboard form (POST, with the session's CSRF token) sends the browser back (303) after
 * refusing a WEIRD_VALUES value in a parameter, by what the parameter names; `{value}` is the
 * parameter as the app decoded it, encoded again. The page there shows the refusal (flash-error).
 */
export const DASHBOARD_FORM_BAD_PARAM: Readonly<Record<string, string>> = {
  '/apps/:app': '/apps/{value}',
  '/services/:plugin': '/services',
  '/services/:plugin/:name': '/services',
  // The service's backups page ({name}: the test's service, which exists).
  '/services/:plugin/:name/backups/:id': '/services/redis/{name}/backups',
};

/**
 * Forms that lead back to their own tab of the app page (app-tabs.ts) rather than its overview,
 * keyed as BAD_PARAM_EXCEPTIONS.
 */
export const DASHBOARD_FORM_EXCEPTIONS: Readonly<Record<string, string>> = {
  'POST /apps/:app/config :app': '/apps/{value}/config',
  'POST /apps/:app/config/unset :app': '/apps/{value}/config',
  'POST /apps/:app/rollback :app': '/apps/{value}/deploys',
  'POST /apps/:app/rebuild :app': '/apps/{value}/deploys',
  'POST /apps/:app/domains :app': '/apps/{value}/domains',
  'POST /apps/:app/domains/remove :app': '/apps/{value}/domains',
  'POST /apps/:app/https :app': '/apps/{value}/domains',
  'POST /apps/:app/services/link :app': '/apps/{value}/services',
  'POST /apps/:app/services/unlink :app': '/apps/{value}/services',
  'POST /apps/:app/destroy :app': '/apps/{value}/settings',
};
