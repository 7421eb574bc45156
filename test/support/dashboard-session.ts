/**
 * A cookie-keeping HTTP client that does not follow redirects (a browser's first hop), and the
 * dashboard session built on it: log in (form + CSRF), then fetch pages with the session cookie.
 */
export class CookieClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  /** The Cookie header a browser would send now. */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method: string, urlPath: string, form?: Record<string, string>) {
    const res = await fetch(`${this.base}${urlPath}`, {
      method, redirect: 'manual',
      headers: {
        cookie: this.cookieHeader(),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      const value = pair.slice(eq + 1);
      // A cleared cookie (logout) comes back empty or already expired.
      if (value === '' || /Expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), value);
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text(), setCookies, headers: res.headers };
  }
}

/** The CSRF token of the page's form; throws when the page has none. */
export function csrfIn(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no CSRF field in page:\n${html.slice(0, 500)}`);
  return m[1];
}

/** A logged-in dashboard user: `login` throws unless the session cookie is set. */
export class DashboardSession extends CookieClient {
  async get(urlPath: string): Promise<{ status: number; text: string }> {
    return this.request('GET', urlPath);
  }

  async login(password: string, user = 'admin'): Promise<void> {
    const page = await this.request('GET', '/login');
    const res = await this.request('POST', '/login', { _csrf: csrfIn(page.text), username: user, password, next: '/' });
    if (!this.cookies.has('berth_session')) throw new Error(`login failed (${res.status})`);
  }
}

/** A signed-in admin's Cookie header (the benches send it with their own timed requests). */
export async function adminCookie(base: string, password: string): Promise<string> {
  const session = new DashboardSession(base);
  await session.login(password);
  return session.cookieHeader();
}

/** The first server-sent event of a live stream the session opens (then it closes it). */
export async function firstLiveEvent(session: DashboardSession, urlPath: string): Promise<string> {
  const stop = new AbortController();
  const res = await fetch(`${session.base}${urlPath}`, { headers: { cookie: session.cookieHeader() }, signal: stop.signal });
  if (res.status !== 200 || !/^text\/event-stream/.test(res.headers.get('content-type') ?? '')) throw new Error(`${urlPath}: ${res.status} ${res.headers.get('content-type')}`);
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('\n\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString('utf8');
  }
  stop.abort();
  return text.split('\n\n')[0];
}
