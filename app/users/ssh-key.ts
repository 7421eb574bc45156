import crypto from 'node:crypto';

const TYPES = new Set(['ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com']);

/** The blob of an OpenSSH public key line (`<type> <base64> [comment]`), checked to name its own type. */
export function sshKeyBlob(line: string): Buffer | null {
  const m = /^([a-z0-9@.-]+) ([A-Za-z0-9+/]+={0,2})(?: [^\r\n]*)?$/.exec(line.trim());
  if (!m || !TYPES.has(m[1])) return null;
  const blob = Buffer.from(m[2], 'base64');
  if (blob.length < 4) return null;
  const len = blob.readUInt32BE(0);
  if (len + 4 > blob.length || blob.subarray(4, 4 + len).toString('latin1') !== m[1]) return null;
  return blob;
}

/** `SHA256:<base64>` as `ssh-keygen -l` prints it; null when the line is not a public key. */
export function sshFingerprint(line: string): string | null {
  const blob = sshKeyBlob(line);
  return blob ? fingerprintOfBlob(blob) : null;
}

export const fingerprintOfBlob = (blob: Buffer): string =>
  `SHA256:${crypto.createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
