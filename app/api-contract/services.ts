/** A service (postgres, redis, …) as `<plugin>:info` shows it; a viewer's URLs come without the password. */
export interface ServiceView {
  readonly plugin: string;
  readonly name: string;
  readonly image: string;
  readonly status: string;
  readonly scheduler: 'docker-local' | 'swarm';
  /** Swarm placement constraints (empty on docker-local). */
  readonly placement: readonly string[];
  /** The swarm node its task runs on; null on docker-local or when no task runs. */
  readonly node: string | null;
  readonly nodeId: string | null;
  /** host:port linked apps connect to. */
  readonly address: string;
  readonly container: string;
  readonly volume: string;
  /** The URL linked apps get. */
  readonly url: string;
  readonly exposedUrl: string | null;
  readonly exposedPort: number | null;
  readonly links: ReadonlyArray<{ readonly app: string; readonly alias: string }>;
  readonly createdAt: string;
}

/** A service plugin berth has, with what it can do. */
export interface ServicePluginView {
  readonly id: string;
  readonly version: string;
  readonly image: string;
  readonly port: number;
  readonly envAlias: string;
  readonly scheme: string;
  readonly export: boolean;
  readonly import: boolean;
}

/** `GET /api/v1/services` */
export interface ServicePluginsResponse {
  readonly plugins: readonly ServicePluginView[];
}

/** `GET /api/v1/services/:plugin`: the services the caller may see. */
export interface ServicesListResponse {
  readonly services: readonly ServiceView[];
}

/** `POST /api/v1/services/:plugin` */
export interface ServiceCreateRequest {
  readonly name: string;
  readonly image?: string;
  readonly scheduler?: string;
  readonly placement?: string | readonly string[];
}

/** One service: create, info, stop/start/restart, expose/unexpose, upgrade, import. */
export interface ServiceResponse {
  readonly service: ServiceView;
}

/** `POST|DELETE /api/v1/services/:plugin/:name/links[/:app]`: the link, and the re-release that gives or takes the env var. */
export interface ServiceLinkResponse {
  readonly link: { readonly plugin: string; readonly service: string; readonly app: string; readonly alias: string; readonly createdAt: string };
  /** null when the app was never deployed. */
  readonly build: { readonly id: number } | null;
}

/** `DELETE /api/v1/services/:plugin/:name` */
export interface ServiceDestroyResponse {
  readonly dataKept: boolean;
  /** The volume kept when the data was not destroyed. */
  readonly volumeLeftOn?: string;
}
