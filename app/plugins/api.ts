/**
 * The plugin API: what a plugin's entry exports and what `register(ctx)` receives.
 * plugins/README.md walks through it; plugins/postgres is a complete example.
 */
import type { SourceView } from '../ports/buildpack';
import type { ReleaseRecord } from '../ports/store';
import type { ServiceEngine } from '../ports/service-engine';
import type { ServiceDescriptor } from '../services-kit/descriptor';

/** plugin.json. */
export interface PluginManifest {
  /** Lowercase letters, digits, dashes; a service plugin's id is its verb prefix (`postgres:create`). */
  readonly id: string;
  /** The plugin's own version, semver (`1.2.3`). */
  readonly version: string;
  /** The berth versions it supports, a semver range (`^0.1`, `>=0.1 <2`). */
  readonly berth: string;
  /** Other plugins it needs, id → semver range; they load (and their hooks run) first. */
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly description?: string;
  /** Entry file without extension, relative to the folder. Default `index` (index.js, or compiled index.ts). */
  readonly entry?: string;
  /** The service image the plugin's image.sh builds (service plugins). */
  readonly image?: string;
}

export type Log = (line: string) => void;

/** Each hook's one payload, by phase. */
export interface HookPayloads {
  /** After the app row exists. Throwing fails `apps:create` (the app stays, so retry is safe). */
  'app:create': { readonly app: string };
  /** Before the app's containers and data are removed. Throwing stops the destroy. */
  'app:destroy': { readonly app: string };
  /**
   * Choosing the builder, before the built-in buildpacks (a Dockerfile in the repo, or a builder set
   * with `builder:set`, still wins). Return `{ name, dockerfile }` to build with that Dockerfile text;
   * the first plugin in hook order that returns one wins.
   */
  'build:detect': { readonly app: string; readonly source: SourceView };
  /** Before the image is built. */
  'build:before': { readonly app: string; readonly tag: string; readonly log: Log };
  /** After the image is built, before the release is made. */
  'build:after': { readonly app: string; readonly tag: string; readonly image: string; readonly log: Log };
  /** Called (synchronously) each time a container of the app starts: return env vars to add. */
  'release:env': { readonly app: string };
  /** Before the release's containers start. Throwing fails the deploy; the old release keeps serving. */
  'deploy:before': { readonly app: string; readonly release: ReleaseRecord; readonly log: Log };
  /** After the new release serves. Throwing fails the deploy (its containers are already live). */
  'deploy:after': { readonly app: string; readonly release: ReleaseRecord; readonly log: Log };
  /** The app's hostnames changed. */
  'domains:change': { readonly app: string; readonly domains: readonly string[] };
}

export type HookName = keyof HookPayloads;

/** `release:env` is synchronous and returns env vars; the other hooks may be async and return nothing. */
export type HookHandler<K extends HookName> = K extends 'release:env'
  ? (payload: HookPayloads[K]) => Record<string, string> | void
  : K extends 'build:detect'
    ? (payload: HookPayloads[K]) => PluginBuilder | null | void | Promise<PluginBuilder | null | void>
    : (payload: HookPayloads[K]) => void | Promise<void>;

/** What a `build:detect` handler returns: a builder name for the log and the Dockerfile text. */
export interface PluginBuilder {
  readonly name: string;
  readonly dockerfile: string;
}

export interface HookOptions {
  /** Among plugins of one dependency level, lower runs first; default 100. Dependencies always run first. */
  readonly order?: number;
}

/** A plugin's own key/value storage in berth's database. Keys are private to the plugin. */
export interface PluginStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  delete(key: string): boolean;
  keys(): string[];
  getJson<T>(key: string): T | null;
  setJson(key: string, value: unknown): void;
}

export interface PluginLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** An API route a plugin adds, served at `/api/v1/plugins/<id><path>` (authenticated). */
export interface PluginRoute {
  readonly method: 'GET' | 'POST';
  /** Starts with `/`; letters, digits, `-`, `_`, `/`. */
  readonly path: string;
  /** Gets the JSON body (POST) or the query (GET); returns what is sent as JSON. */
  handler(input: Record<string, unknown>): unknown | Promise<unknown>;
}

/** A CLI verb a plugin adds: `berth <id>:<verb> args…` calls one of its routes with `{ args: [...] }`. */
export interface PluginCliVerb {
  /** `<plugin id>:<verb>`, lowercase letters, digits, dashes. */
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly method: 'GET' | 'POST';
  /** One of the plugin's `http.route` paths. */
  readonly path: string;
}

/** A titled section on the dashboard's app page; `render` returns plain text (the page escapes it). */
export interface PluginAppPanel {
  readonly title: string;
  render(input: { readonly app: string }): string;
}

export interface PluginContext {
  readonly manifest: PluginManifest;
  /** berth's version. */
  readonly berthVersion: string;
  hooks: { on<K extends HookName>(hook: K, handler: HookHandler<K>, options?: HookOptions): void };
  /** Makes this a service plugin: berth gives it `<id>:create|link|…` verbs and API routes. */
  services: { register(descriptor: ServiceDescriptor): void };
  http: { route(route: PluginRoute): void };
  cli: { verb(verb: PluginCliVerb): void };
  dashboard: { appPanel(panel: PluginAppPanel): void };
  readonly storage: PluginStorage;
  readonly log: PluginLogger;
  /** The core's container helpers (service containers, volumes, exec). */
  readonly docker: ServiceEngine;
}

export interface PluginDefinition {
  /** Called once at load, synchronously: register hooks, services and routes here. */
  register(ctx: PluginContext): void;
}

/** Identity function that gives a plugin's definition its types. */
export function definePlugin(definition: PluginDefinition): PluginDefinition {
  return definition;
}
