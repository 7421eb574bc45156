import { BerthError } from '../errors';
import type { SmtpSettings } from '../ports/notifications';

const ADDRESS = /^[^\s@<>",]{1,64}@[A-Za-z0-9.-]{1,253}$/;

function invalid(message: string): BerthError {
  return new BerthError('INVALID_SMTP_SETTINGS', message);
}

/** `smtp://[user@]host[:port]` (STARTTLS when offered, port 587 by default) or `smtps://…` (TLS, 465), a sender address and a password. */
export function parseSmtp(input: { url: unknown; from: unknown; password?: unknown }): SmtpSettings {
  if (typeof input.url !== 'string') throw invalid('Give the SMTP server as smtp://[user@]host[:port] or smtps://[user@]host[:port].');
  let u: URL;
  try {
    u = new URL(input.url);
  } catch {
    throw invalid(`"${input.url.slice(0, 200)}" is not smtp://[user@]host[:port].`);
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw invalid(`The SMTP server's scheme is smtp: or smtps:, not ${u.protocol}.`);
  if (u.password) throw invalid('Give the password on stdin, not in the URL (it would stay in shell history).');
  if (!u.hostname || (u.pathname !== '' && u.pathname !== '/')) throw invalid('The SMTP URL is smtp://[user@]host[:port], without a path.');
  if (typeof input.from !== 'string' || !ADDRESS.test(input.from)) throw invalid('Give the sender address with --from, e.g. berth@example.com.');
  const password = typeof input.password === 'string' && input.password !== '' ? input.password : null;
  if (password !== null && password.length > 4096) throw invalid('The password is at most 4096 characters.');
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : secure ? 465 : 587, secure,
    user: u.username ? decodeURIComponent(u.username) : null, password, from: input.from,
  };
}
