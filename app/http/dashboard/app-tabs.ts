/**
 * The app page's tabs: each is its own server-rendered page (`/apps/<app>` and `/apps/<app>/<tab>`),
 * so links, the back button and forms work without JavaScript, and a page loads only its own
 * panels. Every tab shares the header (status, failed-deploy banner, crash card) and its live stream.
 */
export const APP_TABS = [
  { id: 'overview', label: 'Overview', path: '' },
  { id: 'deploys', label: 'Deploys', path: '/deploys' },
  { id: 'logs', label: 'Logs', path: '/logs' },
  { id: 'config', label: 'Config', path: '/config' },
  { id: 'domains', label: 'Domains', path: '/domains' },
  { id: 'services', label: 'Services', path: '/services' },
  { id: 'metrics', label: 'Metrics', path: '/metrics' },
  { id: 'settings', label: 'Settings', path: '/settings' },
] as const;

export type AppTab = (typeof APP_TABS)[number]['id'];

/** The address of an app's tab (`?build=N` is added by the caller when a form queued a build). */
export function tabUrl(app: string, tab: AppTab): string {
  const t = APP_TABS.find((x) => x.id === tab)!;
  return `/apps/${encodeURIComponent(app)}${t.path}`;
}

/** The tab bar's links for one app, the current one marked. */
export function tabLinks(app: string, current: AppTab) {
  return APP_TABS.map((t) => ({ id: t.id, label: t.label, href: tabUrl(app, t.id), current: t.id === current }));
}
