import type { ErrorKind } from './kinds';

export interface CatalogueEntry {
  readonly kind: ErrorKind;
  /** What the user should know and do; the thrower may give a more specific message. */
  readonly hint: string;
}

/**
 * Every error berth reports, once, with a stable code. docs/errors.md is generated from this
 * table (deploy/gen-docs.js) and a test fails when the two disagree.
 */
export const CATALOGUE = {
  INVALID_CONFIG: { kind: 'input', hint: 'An environment setting is invalid; see docs/configuration.md.' },
  INVALID_JSON: { kind: 'input', hint: 'The request body is not valid JSON.' },
  INVALID_INPUT: { kind: 'input', hint: 'A field of the request is missing or has the wrong type.' },
  INVALID_APP_NAME: { kind: 'unprocessable', hint: 'App names are lowercase letters, digits and dashes, start with a letter, 1–63 characters.' },
  INVALID_CONFIG_KEY: { kind: 'unprocessable', hint: 'Config keys are letters, digits and underscores, not starting with a digit.' },
  INVALID_BRANCH: { kind: 'unprocessable', hint: 'Branch names are letters, digits, dots, dashes, slashes and underscores.' },
  INVALID_IMAGE: { kind: 'unprocessable', hint: 'Image names look like name[:tag], lowercase, as docker accepts them.' },
  INVALID_PROCFILE: { kind: 'unprocessable', hint: 'Each Procfile line is `<type>: <command>`, types are lowercase letters, digits, dashes.' },
  INVALID_SCALE: { kind: 'unprocessable', hint: 'Scale as type=count, count 0–50, for process types in the Procfile.' },
  CONFIRMATION_REQUIRED: { kind: 'unprocessable', hint: 'Repeat the app name as confirmation to destroy it.' },
  UNAUTHENTICATED: { kind: 'unauthenticated', hint: 'Send a valid API token: `Authorization: Bearer <token>` (run `berth login`).' },
  FORBIDDEN: { kind: 'forbidden', hint: 'Your token does not allow this.' },
  APP_NOT_FOUND: { kind: 'not-found', hint: 'No app has that name; `berth apps:list` shows them.' },
  APP_EXISTS: { kind: 'conflict', hint: 'An app with that name exists already; choose another name.' },
  BUILD_NOT_FOUND: { kind: 'not-found', hint: 'No build with that id for this app; `berth builds:list <app>` shows them.' },
  RELEASE_NOT_FOUND: { kind: 'not-found', hint: 'No such release; `berth releases <app>` lists them.' },
  NOT_FOUND: { kind: 'not-found', hint: 'No such route; see `berth help`.' },
  NO_RELEASE: { kind: 'unprocessable', hint: 'The app has not been deployed yet; push it first.' },
  WRONG_BRANCH: { kind: 'unprocessable', hint: 'Only the deploy branch deploys; push to it or change it with `berth git:set <app> deploy-branch <name>`.' },
  PUSH_SUPERSEDED: { kind: 'conflict', hint: 'Another push moved the branch first; pull and push again.' },
  NO_BUILDER: { kind: 'unprocessable', hint: 'Nothing in the repo tells berth how to build it.' },
  BUILD_FAILED: { kind: 'unprocessable', hint: 'The build failed; its log above says why.' },
  BUILD_CANCELLED: { kind: 'conflict', hint: 'The build was cancelled.' },
  BUILD_TIMEOUT: { kind: 'unprocessable', hint: 'The build ran longer than BERTH_BUILD_TIMEOUT.' },
  NO_BUILD_RUNNING: { kind: 'unprocessable', hint: 'No build is running for this app.' },
  DEPLOY_FAILED: { kind: 'unprocessable', hint: 'The new release did not become healthy; the previous one keeps serving.' },
  HEALTHCHECK_FAILED: { kind: 'unprocessable', hint: 'The new containers did not pass their health check; the previous release keeps serving.' },
  ROUTER_CONFIG_INVALID: { kind: 'unprocessable', hint: 'nginx rejected the generated configuration; the previous configuration stays.' },
  DOCKER_UNAVAILABLE: { kind: 'unavailable', hint: 'The Docker Engine cannot be reached; start dockerd (deploy/install.sh does).' },
  REDIS_UNAVAILABLE: { kind: 'unavailable', hint: 'Redis cannot be reached; start redis-server (deploy/install.sh does).' },
  INTERNAL: { kind: 'internal', hint: 'Something went wrong inside berth; see its log.' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof CATALOGUE;
