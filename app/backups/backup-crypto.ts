import crypto from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { BerthError } from '../errors';

/**
 * Passphrase encryption of a backup as a stream, so no dump is ever held whole in memory:
 * `BERTHENC1` + salt (16) + IV (12), then AES-256-GCM ciphertext, then its 16-byte tag.
 * The key is scrypt(passphrase, salt). The tag comes last, so a reader holds back the last 16
 * bytes until the end and fails there on a wrong passphrase or a changed file.
 */
const MAGIC = Buffer.from('BERTHENC1');
const SALT = 16;
const IV = 12;
const TAG = 16;
const HEADER = MAGIC.length + SALT + IV;

const keyOf = (passphrase: string, salt: Buffer): Buffer => crypto.scryptSync(passphrase, salt, 32);

export function encryptStream(passphrase: string): Transform {
  const salt = crypto.randomBytes(SALT);
  const iv = crypto.randomBytes(IV);
  const cipher = crypto.createCipheriv('aes-256-gcm', keyOf(passphrase, salt), iv);
  let started = false;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      if (!started) { started = true; this.push(Buffer.concat([MAGIC, salt, iv])); }
      done(null, cipher.update(chunk));
    },
    flush(done: TransformCallback) {
      if (!started) this.push(Buffer.concat([MAGIC, salt, iv]));
      this.push(cipher.final());
      done(null, cipher.getAuthTag());
    },
  });
}

export function decryptStream(passphrase: string): Transform {
  let head = Buffer.alloc(0);
  let decipher: crypto.DecipherGCM | null = null;
  // The last TAG bytes seen so far: the tag, if the stream ends now.
  let held = Buffer.alloc(0);
  const wrong = () => new BerthError('SERVICE_BACKUP_FAILED', 'The backup could not be decrypted: the passphrase is wrong or the file was changed.');
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      if (!decipher) {
        head = Buffer.concat([head, chunk]);
        if (head.length < HEADER) return done();
        if (!head.subarray(0, MAGIC.length).equals(MAGIC)) return done(new BerthError('SERVICE_BACKUP_FAILED', 'The backup is not an encrypted berth backup.'));
        const salt = head.subarray(MAGIC.length, MAGIC.length + SALT);
        const iv = head.subarray(MAGIC.length + SALT, HEADER);
        decipher = crypto.createDecipheriv('aes-256-gcm', keyOf(passphrase, salt), iv);
        chunk = head.subarray(HEADER);
      }
      const all = Buffer.concat([held, chunk]);
      held = all.subarray(Math.max(0, all.length - TAG));
      done(null, decipher.update(all.subarray(0, all.length - held.length)));
    },
    flush(done: TransformCallback) {
      if (!decipher || held.length < TAG) return done(wrong());
      try {
        decipher.setAuthTag(held);
        done(null, decipher.final());
      } catch {
        done(wrong());
      }
    },
  });
}
