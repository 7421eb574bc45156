import crypto from 'node:crypto';
import type { ForgeProvider } from '../ports/forge';

export const PROVIDERS: readonly ForgeProvider[] = ['github', 'gitlab', 'gitea'];

export const isProvider = (p: unknown): p is ForgeProvider => typeof p === 'string' && (PROVIDERS as readonly string[]).includes(p);

type Headers = Readonly<Record<string, string | string[] | undefined>>;

const header = (h: Headers, name: string): string | null => {
  const v = h[name];
  return typeof v === 'string' ? v : null;
};

/** Equal without telling how much matched: both sides hashed first, so lengths leak nothing either. */
function sameSecret(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

const hmac = (secret: string, body: Buffer): string => crypto.createHmac('sha256', secret).update(body).digest('hex');

/**
 * Each forge's own proof that it sent the body: GitHub `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`,
 * Gitea `X-Gitea-Signature: <hex HMAC-SHA256>`, GitLab `X-Gitlab-Token: <the secret itself>`.
 */
export function verifyDelivery(provider: ForgeProvider, o: { secret: string; headers: Headers; body: Buffer }): boolean {
  if (provider === 'github') {
    const sig = header(o.headers, 'x-hub-signature-256');
    return sig !== null && sameSecret(sig, `sha256=${hmac(o.secret, o.body)}`);
  }
  if (provider === 'gitea') {
    const sig = header(o.headers, 'x-gitea-signature');
    return sig !== null && sameSecret(sig.toLowerCase(), hmac(o.secret, o.body));
  }
  const token = header(o.headers, 'x-gitlab-token');
  return token !== null && sameSecret(token, o.secret);
}

/** A verified delivery, as far as berth reads it. */
export interface PushEvent {
  /** The forge's event name (`push`, `ping`, `Push Hook`, …). */
  readonly event: string;
  readonly isPush: boolean;
  /** The forge's id of this delivery; the pushed commit when it sends none. */
  readonly delivery: string | null;
  /** `refs/heads/<branch>` of a push. */
  readonly ref: string | null;
  /** The commit the branch points at after the push; all zeros when it was deleted. */
  readonly after: string | null;
  readonly cloneUrl: string | null;
  /** The same repository over SSH (for an app that fetches with a deploy key). */
  readonly sshUrl: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 && v.length <= 2048 ? v : null);

/** Reads what berth needs from a verified body: each forge names the same facts differently. */
export function readPushEvent(provider: ForgeProvider, headers: Headers, payload: Record<string, unknown>): PushEvent {
  const repo = (payload.repository ?? {}) as Record<string, unknown>;
  const project = (payload.project ?? {}) as Record<string, unknown>;
  if (provider === 'gitlab') {
    const event = header(headers, 'x-gitlab-event') ?? '';
    return {
      event, isPush: event === 'Push Hook' && payload.object_kind === 'push',
      delivery: header(headers, 'x-gitlab-event-uuid'),
      ref: str(payload.ref), after: str(payload.after), cloneUrl: str(project.git_http_url) ?? str(repository(payload)),
      sshUrl: str(project.git_ssh_url),
    };
  }
  const event = header(headers, provider === 'github' ? 'x-github-event' : 'x-gitea-event') ?? '';
  return {
    event, isPush: event === 'push',
    delivery: header(headers, provider === 'github' ? 'x-github-delivery' : 'x-gitea-delivery'),
    ref: str(payload.ref), after: str(payload.after), cloneUrl: str(repo.clone_url), sshUrl: str(repo.ssh_url),
  };
}

/** GitLab's older payloads: `repository.git_http_url`. */
function repository(payload: Record<string, unknown>): unknown {
  return ((payload.repository ?? {}) as Record<string, unknown>).git_http_url;
}
