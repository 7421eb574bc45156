/** Logs in to the dashboard (form + CSRF) and fetches pages with the session cookie. */
export class DashboardSession {
  private cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async get(urlPath: string): Promise<{ status: number; text: string }> {
    return this.request('GET', urlPath);
  }

  async login(password: string, user = 'admin'): Promise<void> {
    const page = await this.request('GET', '/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    if (!csrf) throw new Error(`no CSRF field on /login:\n${page.text.slice(0, 300)}`);
    const res = await this.request('POST', '/login', { _csrf: csrf, username: user, password, next: '/' });
    if (!this.cookies.has('berth_session')) throw new Error(`login failed (${res.status})`);
  }

  private async request(method: string, urlPath: string, form?: Record<string, string>) {
    const res = await fetch(`${this.base}${urlPath}`, {
      method, redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return { status: res.status, text: await res.text() };
  }
}
