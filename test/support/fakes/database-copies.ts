import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../../../app/errors';
import type { DatabaseCopies } from '../../../app/ports/database-copies';

/** What the fake's database holds, and what its copies (JSON files) hold. */
interface Rows { schema: number; apps: string[]; config: Record<string, Record<string, string>> }

const SCHEMA = 1;
const SEALED = 'enc:v1:';

/**
 * A berth database in memory with its copies as JSON files, for unit tests: apps and config
 * values, the values sealed with the home's key file (read on every use, so a key renamed into
 * place is followed at once, as infra/sqlite does). test/conformance/database-copies.ts holds it
 * and SQLite's to one contract: copies, restores refused across schemas, checks in a scratch home.
 */
export class InMemoryDatabaseCopies implements DatabaseCopies {
  private rows: Rows;

  constructor(readonly home: string, schema = SCHEMA) {
    fs.mkdirSync(home, { recursive: true });
    const key = path.join(home, 'secret.key');
    if (!fs.existsSync(key)) fs.writeFileSync(key, `${crypto.randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    this.rows = { schema, apps: [], config: {} };
  }

  addApp(name: string): void { this.rows.apps = [...this.rows.apps, name].sort(); }

  apps(): string[] { return [...this.rows.apps]; }

  setConfig(app: string, vars: Record<string, string>): void {
    const sealed = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, this.seal(v)]));
    this.rows.config[app] = { ...this.rows.config[app], ...sealed };
  }

  config(app: string): Record<string, string> {
    return Object.fromEntries(Object.entries(this.rows.config[app] ?? {}).map(([k, v]) => [k, this.open(v)]));
  }

  schemaVersion(): number { return this.rows.schema; }

  async snapshotTo(file: string): Promise<void> { fs.writeFileSync(file, JSON.stringify(this.rows)); }

  replaceWith(file: string): void {
    const theirs = JSON.parse(fs.readFileSync(file, 'utf8')) as Rows;
    if (theirs.schema !== this.rows.schema) {
      throw new BerthError('BACKUP_SCHEMA_MISMATCH', `The backup's database has schema version ${theirs.schema}, this berth's has ${this.rows.schema}.`);
    }
    this.rows = { schema: this.rows.schema, apps: [...theirs.apps], config: structuredClone(theirs.config) };
  }

  checkCopy(o: { copy: string; keyFile: string; scratchHome: string }): { schema: number; tables: Record<string, number>; sealed: number } {
    fs.mkdirSync(o.scratchHome, { recursive: true, mode: 0o700 });
    fs.copyFileSync(o.keyFile, path.join(o.scratchHome, 'secret.key'));
    const scratch = new InMemoryDatabaseCopies(o.scratchHome, this.rows.schema);
    scratch.replaceWith(o.copy);
    const values = Object.values(scratch.rows.config).flatMap((vars) => Object.values(vars));
    for (const v of values) {
      try { scratch.open(v); } catch { throw new BerthError('BACKUP_UNVERIFIED', 'a sealed value in config_vars.value does not open with the backup\'s secret.key'); }
    }
    return { schema: scratch.rows.schema, tables: { apps: scratch.rows.apps.length, config_vars: values.length }, sealed: values.length };
  }

  /** Sealed: tagged with a digest of the key, so that only the same key opens it. */
  private seal(plain: string): string { return `${SEALED}${this.keyId()}:${Buffer.from(plain).toString('base64')}`; }

  private open(stored: string): string {
    const [id, body] = stored.slice(SEALED.length).split(':');
    if (id !== this.keyId()) throw new Error('a sealed value does not open with this key');
    return Buffer.from(body, 'base64').toString();
  }

  private keyId(): string {
    return crypto.createHash('sha256').update(fs.readFileSync(path.join(this.home, 'secret.key'))).digest('hex').slice(0, 16);
  }
}
