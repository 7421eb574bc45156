/** An app's hostnames, as `GET/PATCH /api/v1/apps/:app/domains` answer them (`{ domains: DomainsReport }`). */
export interface DomainsReport {
  readonly app: string;
  /** `<app>.<BERTH_DOMAIN>`. */
  readonly defaultDomain: string;
  /** `<app>.<global>` for each global domain. */
  readonly globalDomains: readonly string[];
  readonly customDomains: readonly string[];
  /** What the router serves, in this order. */
  readonly all: readonly string[];
}

export interface AppDomainsResponse {
  readonly domains: DomainsReport;
}

/** `PATCH /api/v1/apps/:app/domains`: one of add, remove, set (replaces the custom domains) or clear. */
export interface AppDomainsChange {
  readonly add?: readonly string[];
  readonly remove?: readonly string[];
  readonly set?: readonly string[];
  readonly clear?: boolean;
}

/** `GET/PATCH /api/v1/domains`: the global domains, and berth's own address (null when BERTH_HOSTNAME is unset). */
export interface GlobalDomainsResponse {
  readonly globalDomains: readonly string[];
  /** Older servers leave it out. */
  readonly ownAddress?: string | null;
}

/** `PATCH /api/v1/domains` (admins): add or remove global domains. */
export interface GlobalDomainsChange {
  readonly add?: readonly string[];
  readonly remove?: readonly string[];
}
