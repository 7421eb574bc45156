import type { Request } from 'express';
import type { BerthError } from '../../errors';
import type { UserRecord } from '../../ports/store';

/** An error as the dashboard shows it to someone in a browser: what happened, and what to do there. */
export interface BrowserError {
  readonly title: string;
  readonly message: string;
  /** What to do next, in the browser (never a CLI command: those are for API clients). */
  readonly advice: string;
  readonly links: ReadonlyArray<{ readonly href: string; readonly text: string }>;
  readonly code: string;
}

const TITLES: Record<string, string> = {
  'not-found': 'Not found',
  forbidden: 'Not allowed',
  unauthenticated: 'Please log in',
  'rate-limited': 'Too much at once',
  conflict: 'That clashes with something',
  unavailable: 'Not available right now',
  internal: 'Something failed inside berth',
};

/** A command the CLI would run, in backticks: `berth apps:list`, `node dist/app/main.js …`. */
const COMMAND = /`(?:berth|node|git|docker|curl) [^`]*`/;

/**
 * The thrower's message without its CLI hints: a parenthesised command goes, and so does each
 * clause (between semicolons) that tells the reader to run one. Empty when nothing else was said.
 */
export function withoutCliHints(message: string): string {
  const clauses = message.replace(/\s*\(`[^`]*`\)/g, '').split(/;\s+/).filter((c) => !COMMAND.test(c));
  const text = clauses.join('; ').replace(/[\s:;,]+$/, '').trim();
  if (!text) return '';
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** The refusal users/authorize.ts's forbidden() words for a role. */
const ROLE_REFUSAL = /^User "[^"]*" \((admin|developer|viewer)\) may not (read app "|change app "|read this:|change berth-wide settings:)/;

const appOf = (req: Request): string | null => {
  const m = /^\/apps\/([^/]+)/.exec(req.path);
  if (!m) return null;
  try { return decodeURIComponent(m[1]); } catch { return null; }
};

/** A refusal in the words of what the user tried, and who may do it instead. */
function forbidden(req: Request, user: UserRecord | undefined, app: string | null): { message: string; advice: string } | null {
  if (!user) return null;
  const reading = req.method === 'GET' || req.method === 'HEAD';
  const who = `You are signed in as ${user.name} (${user.role})`;
  const what = req.method === 'POST' && req.path === '/apps' ? 'create apps'
    : /^\/users(\/|$)/.test(req.path) ? 'manage users'
    : app ? `${reading ? 'open' : 'change'} ${app}`
      : /^\/services(\/|$)/.test(req.path) ? 'change services' : reading ? 'open this page' : 'change this';
  const advice = user.role === 'viewer'
    ? 'Viewers see every app and change nothing. An admin can give you the developer role, or make the change for you.'
    : user.role === 'developer' && app && !/^\/apps\/[^/]+\/(services|collaborators)(\/|$)/.test(req.path)
      ? `Ask an admin to add you to ${app} as a collaborator.`
      : 'Only admins may do this; ask one to do it for you.';
  return { message: `${who} and may not ${what}.`, advice };
}

/**
 * What the error page says for an error met in the browser. The API's JSON keeps the catalogue's
 * CLI hints; a browser user gets advice they can follow in the browser, and the same stable code.
 */
export function browserError(err: BerthError, req: Request): BrowserError {
  const app = appOf(req);
  const user = req.user;
  const home = { href: '/', text: 'Back to your apps' };
  // Back to the app's page, unless the app is what is missing or may not be opened.
  const appPageOk = app !== null && err.code !== 'APP_NOT_FOUND' && !(err.code === 'FORBIDDEN' && (req.method === 'GET' || req.method === 'HEAD'));
  const links = appPageOk ? [{ href: `/apps/${encodeURIComponent(app)}`, text: `Back to ${app}` }, home] : [home];
  const base = { code: err.code, title: TITLES[err.kind] ?? 'That did not work', links };
  const message = withoutCliHints(err.message);
  switch (err.code) {
    case 'FORBIDDEN': {
      // The authorization layer's generic refusal (users/authorize.ts: "User … may not change berth-wide
      // settings") is said again in the words of what was tried; a service's own, specific refusal stays.
      const f = ROLE_REFUSAL.test(err.message) ? forbidden(req, user, app) : null;
      return f ? { ...base, ...f } : { ...base, message, advice: 'Ask an admin if you need this done.' };
    }
    case 'CSRF_TOKEN_INVALID':
      return { ...base, message: 'The form was out of date, or was not sent from a berth page.', advice: 'Go back, reload the page and send the form again.' };
    case 'STREAM_LIMIT':
      return { ...base, message, advice: 'Close some berth tabs (each live page holds a stream), then reload this page.' };
    case 'UNAUTHENTICATED':
      return { ...base, message: 'Your session has ended.', advice: 'Log in again.', links: [{ href: '/login', text: 'Log in' }] };
    default:
      break;
  }
  const advice = err.kind === 'not-found' ? (app && err.code !== 'APP_NOT_FOUND' ? `Check the address, or go back to ${app}.` : 'Check the address, or pick the app from your apps.')
    : err.kind === 'internal' ? 'Reload the page in a moment. If it keeps failing, an admin finds the details in berth\'s log.'
      : err.kind === 'rate-limited' ? 'Wait a little, then reload the page.'
        : 'Go back, change what the message names, and try again.';
  return { ...base, message: message || (TITLES[err.kind] ?? 'That did not work') + '.', advice };
}
