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

/** httpOnly and SameSite=Lax always; Secure when the request came over HTTPS. */
export function setCookie(req: Request, res: Response, name: string, value: string, maxAgeSeconds?: number): void {
  res.cookie(name, value, {
    httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/',
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds * 1000 } : {}),
  });
}

export function clearCookie(req: Request, res: Response, name: string): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
}

/** A one-shot message shown on the next page (after a form's redirect). */
export interface Flash { readonly kind: 'ok' | 'error'; readonly text: string }

export function setFlash(req: Request, res: Response, flash: Flash): void {
  setCookie(req, res, FLASH_COOKIE, JSON.stringify({ kind: flash.kind, text: flash.text.slice(0, 600) }), 60);
}

export function takeFlash(req: Request, res: Response): Flash | null {
  const raw = cookiesOf(req)[FLASH_COOKIE];
  if (!raw) return null;
  clearCookie(req, res, FLASH_COOKIE);
  try {
    const f = JSON.parse(raw) as Flash;
    return (f.kind === 'ok' || f.kind === 'error') && typeof f.text === 'string' ? { kind: f.kind, text: f.text } : null;
  } catch {
    return null;
  }
}
