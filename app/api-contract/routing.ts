/** `GET/PATCH /api/v1/apps/:app/ports`: the app's own mappings, and what the router uses (`inUse`) and why. */
export interface PortsReport {
  readonly ports: readonly string[];
  /** Older servers leave `inUse` and `source` out. */
  readonly inUse: readonly string[];
  /** `ports:set`, `EXPOSE in vN's Dockerfile` or `default`. */
  readonly source: string;
}

/** `PATCH /api/v1/apps/:app/ports`: mappings such as "http:80:5000". */
export interface PortsChange {
  readonly add?: readonly string[];
  readonly remove?: readonly string[];
  readonly set?: readonly string[];
  readonly clear?: boolean;
}

/** An app's TLS certificate, as certs:* and letsencrypt:* show it. */
export interface CertView {
  readonly app: string;
  /** `manual` (certs:add) or `acme` (letsencrypt). */
  readonly source: 'manual' | 'acme';
  readonly subject: string;
  readonly issuer: string;
  readonly domains: readonly string[];
  readonly notBefore: string;
  readonly notAfter: string;
  readonly fingerprint: string;
  readonly updatedAt: string;
  readonly expiresInDays: number;
}

/** `GET /api/v1/apps/:app/certs` (null: none), `POST` (201, the stored one). */
export interface CertResponse {
  readonly cert: CertView | null;
}

/** `POST /api/v1/apps/:app/certs`: PEM texts. */
export interface CertAddRequest {
  readonly cert: string;
  readonly key: string;
}

export interface LetsencryptStatus {
  readonly app: string;
  readonly enabled: boolean;
  readonly cert: CertView | null;
}

/** `GET/POST/DELETE /api/v1/apps/:app/letsencrypt`, `POST …/renew`. */
export interface LetsencryptResponse {
  readonly letsencrypt: LetsencryptStatus;
}

/** `GET /api/v1/letsencrypt`: every app with Let's Encrypt on. */
export interface LetsencryptListResponse {
  readonly apps: readonly LetsencryptStatus[];
}
