import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'berth_session';
export const LOGIN_CSRF_COOKIE = 'berth_login_csrf';
export const FLASH_COOKIE = 'berth_flash';

/** The request's cookies (a tiny parser: berth needs three cookies, not a dependency). */
export function cookiesOf(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    try {
      out[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch { /* a malformed cookie is ignored */ }
  }
  return out;
}

/**
 * Secure when the request came over HTTPS, or always with BERTH_COOKIE_SECURE (berth behind a
 * TLS proxy, where berth itself sees plain HTTP). A Secure cookie gets the `__Host-` prefix: the
 * browser then takes it only from this exact host over HTTPS, with Path=/ and no Domain.
 */
function secureFor(req: Request): boolean {
  return req.secure || (req.app?.locals as { cookieSecure?: boolean } | undefined)?.cookieSecure === true;
}

const nameFor = (req: Request, name: string): string => (secureFor(req) ? `__Host-${name}` : name);

/** One of berth's cookies, under the name this request's scheme gives it. */
export function readCookie(req: Request, name: string): string | undefined {
  return cookiesOf(req)[nameFor(req, name)];
}

/** httpOnly and SameSite=Lax always; Secure (and `__Host-`) as secureFor says. */
export function setCookie(req: Request, res: Response, name: string, value: string, maxAgeSeconds?: number): void {
  res.cookie(nameFor(req, name), value, {
    httpOnly: true, sameSite: 'lax', secure: secureFor(req), path: '/',
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds * 1000 } : {}),
  });
}

export function clearCookie(req: Request, res: Response, name: string): void {
  res.clearCookie(nameFor(req, name), { httpOnly: true, sameSite: 'lax', secure: secureFor(req), path: '/' });
}

/** A one-shot message shown on the next page (after a form's redirect). */
export interface Flash { readonly kind: 'ok' | 'error'; readonly text: string }

export function setFlash(req: Request, res: Response, flash: Flash): void {
  setCookie(req, res, FLASH_COOKIE, JSON.stringify({ kind: flash.kind, text: flash.text.slice(0, 600) }), 60);
}

export function takeFlash(req: Request, res: Response): Flash | null {
  const raw = readCookie(req, FLASH_COOKIE);
  if (!raw) return null;
  clearCookie(req, res, FLASH_COOKIE);
  try {
    const f = JSON.parse(raw) as Flash;
    return (f.kind === 'ok' || f.kind === 'error') && typeof f.text === 'string' ? { kind: f.kind, text: f.text } : null;
  } catch {
    return null;
  }
}
