import crypto from 'node:crypto';
import { BerthError } from '../errors';

/**
 * Secrets in berth.yaml sealed with a passphrase: the key is scrypt(passphrase, salt) (N 2^15,
 * r 8, p 1: about 0.1 s and 32 MiB, once per file), each value AES-256-GCM with its own random
 * 12-byte nonce, written `v1.<nonce>.<tag>.<ciphertext>` in base64url. The salt is in the file
 * (`secrets.salt`). A wrong passphrase or an edited value fails GCM's tag check, so apply refuses
 * the file instead of setting garbage. docs/server-file.md documents the format, so a file can be
 * opened without berth.
 */
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const MIN_PASSPHRASE = 12;

export class Sealer {
  private constructor(private readonly key: Buffer, readonly salt: string) {}

  /** A sealer for a new export: a fresh salt. */
  static create(passphrase: string): Sealer {
    checkPassphrase(passphrase);
    const salt = crypto.randomBytes(16).toString('base64url');
    return new Sealer(derive(passphrase, salt), salt);
  }

  /** The sealer of a file: its salt, the caller's passphrase. */
  static open(passphrase: string, salt: string): Sealer {
    return new Sealer(derive(passphrase, salt), salt);
  }

  seal(plain: string): string {
    const nonce = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, nonce);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', nonce.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** The plaintext; `where` (the value's path in the file) names the value a wrong passphrase or an edit broke. */
  unseal(sealed: string, where: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== 'v1') throw new BerthError('SERVER_FILE_INVALID', `${where}: not a value sealed by berth export (v1.<nonce>.<tag>.<data>)`);
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(parts[1], 'base64url'));
      decipher.setAuthTag(Buffer.from(parts[2], 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(parts[3], 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new BerthError('SERVER_FILE_PASSPHRASE', `${where} does not open with this passphrase (a wrong passphrase, or the value was edited).`);
    }
  }
}

export function checkPassphrase(passphrase: string): void {
  if (passphrase.length < MIN_PASSPHRASE) {
    throw new BerthError('SERVER_FILE_PASSPHRASE', `The passphrase is ${passphrase.length} characters; use at least ${MIN_PASSPHRASE}.`);
  }
}

function derive(passphrase: string, salt: string): Buffer {
  return crypto.scryptSync(passphrase, Buffer.from(salt, 'base64url'), 32, SCRYPT);
}
