/** Durable router state: global domains, port mappings, per-app router settings, certificates. */

export interface GlobalDomainsStore {
  list(): string[];
  add(domain: string): void;
  remove(domain: string): void;
}

export interface PortMappingRecord {
  readonly scheme: 'http' | 'https';
  readonly hostPort: number;
  readonly containerPort: number;
}

export interface PortsStore {
  list(app: string): PortMappingRecord[];
  /** Replaces the app's mappings with `mappings` (empty: the default `http:80:<release port>`). */
  replace(app: string, mappings: readonly PortMappingRecord[]): void;
}

export interface RouterSettingsStore {
  /** Key → value of the settings set for an app (unset keys use defaults). */
  get(app: string): Record<string, string>;
  /** Applies sets and unsets together. */
  apply(app: string, set: Readonly<Record<string, string>>, unset: readonly string[]): void;
  /** Apps with `key` set to `value`. */
  appsWith(key: string, value: string): string[];
}

export interface CertRecord {
  readonly app: string;
  /** `manual` (certs:add) or `acme` (letsencrypt). */
  readonly source: 'manual' | 'acme';
  readonly subject: string;
  readonly domains: readonly string[];
  readonly notBefore: string;
  readonly notAfter: string;
  readonly fingerprint: string;
  readonly updatedAt: string;
}

export interface CertsStore {
  get(app: string): CertRecord | null;
  list(): CertRecord[];
  put(cert: Omit<CertRecord, 'updatedAt'>): CertRecord;
  remove(app: string): void;
}
