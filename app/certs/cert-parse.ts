import crypto from 'node:crypto';
import { BerthError } from '../errors';

export interface ParsedCert {
  readonly subject: string;
  /** DNS names from subjectAltName (or the CN when there is none). */
  readonly domains: string[];
  readonly notBefore: string;
  readonly notAfter: string;
  /** SHA-256 of the leaf, as openssl prints it. */
  readonly fingerprint: string;
  readonly issuer: string;
  readonly selfSigned: boolean;
}

const MAX_PEM = 256 * 1024;

function pemBlocks(text: string, kind: RegExp): string[] {
  return [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g)].filter((m) => kind.test(m[1])).map((m) => `${m[0]}\n`);
}

/**
 * Checks a certificate (chain, leaf first) and its private key: both PEM, the key unencrypted
 * and matching the leaf. Returns the cleaned PEM texts (only the PEM blocks) and what the leaf says.
 */
export function parseCertPair(certPem: unknown, keyPem: unknown): { cert: string; key: string; info: ParsedCert } {
  if (typeof certPem !== 'string' || typeof keyPem !== 'string' || certPem.length > MAX_PEM || keyPem.length > MAX_PEM) {
    throw new BerthError('INVALID_CERTIFICATE', 'Give the certificate and the key as PEM text (at most 256 KiB each).');
  }
  const chain = pemBlocks(certPem, /^CERTIFICATE$/);
  if (chain.length === 0) throw new BerthError('INVALID_CERTIFICATE', 'No "BEGIN CERTIFICATE" block in the certificate file.');
  const keys = pemBlocks(keyPem, /PRIVATE KEY$/);
  if (keys.length !== 1) throw new BerthError('INVALID_CERTIFICATE', 'The key file must hold exactly one unencrypted PEM private key.');
  if (/ENCRYPTED/.test(keys[0])) throw new BerthError('INVALID_CERTIFICATE', 'The private key is encrypted; decrypt it first (openssl pkey -in key.pem -out plain.pem).');
  let leaf: crypto.X509Certificate;
  let key: crypto.KeyObject;
  try {
    leaf = new crypto.X509Certificate(chain[0]);
    chain.slice(1).forEach((c) => new crypto.X509Certificate(c));
  } catch (e) {
    throw new BerthError('INVALID_CERTIFICATE', `The certificate cannot be read: ${(e as Error).message}.`);
  }
  try {
    key = crypto.createPrivateKey(keys[0]);
  } catch (e) {
    throw new BerthError('INVALID_CERTIFICATE', `The private key cannot be read: ${(e as Error).message}.`);
  }
  if (!leaf.checkPrivateKey(key)) {
    throw new BerthError('CERT_KEY_MISMATCH', 'The private key does not belong to the certificate (the first certificate in the file must be the server\'s own).');
  }
  return { cert: chain.join(''), key: keys[0], info: describe(leaf) };
}

export function describe(leaf: crypto.X509Certificate): ParsedCert {
  const sans = (leaf.subjectAltName ?? '').split(/,\s*/).filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4).toLowerCase());
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(leaf.subject)?.[1];
  return {
    subject: leaf.subject.replace(/\n/g, ', '),
    domains: sans.length > 0 ? sans : cn ? [cn.toLowerCase()] : [],
    notBefore: new Date(leaf.validFrom).toISOString(),
    notAfter: new Date(leaf.validTo).toISOString(),
    fingerprint: leaf.fingerprint256,
    issuer: leaf.issuer.replace(/\n/g, ', '),
    selfSigned: leaf.issuer === leaf.subject,
  };
}

/** True when `host` is covered by one of the certificate's names (one wildcard label). */
export function certCovers(domains: readonly string[], host: string): boolean {
  return domains.some((d) => d === host || (d.startsWith('*.') && host.endsWith(d.slice(1)) && !host.slice(0, -d.length + 1).includes('.')));
}
