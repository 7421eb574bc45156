import { BerthError } from '../../errors';
import type { AppSummary } from './app-summaries';

/** Apps per overview page. */
export const PAGE_SIZE = 25;

export const SORTS = ['name', 'status', 'deployed'] as const;
export type OverviewSort = (typeof SORTS)[number];

/** What the overview's address asks for: `?q=` (part of the name), `?sort=`, `?dir=`, `?page=`. */
export interface OverviewQuery {
  readonly q: string;
  readonly sort: OverviewSort;
  /** `asc` or `desc`; each sort has its natural one (names A–Z, trouble first, newest deploy first). */
  readonly dir: 'asc' | 'desc';
  readonly page: number;
}

const NATURAL: Record<OverviewSort, 'asc' | 'desc'> = { name: 'asc', status: 'asc', deployed: 'desc' };

/** Status words by how much they need someone's attention: sorting by status puts trouble first. */
const ATTENTION = ['crashing', 'failed', 'degraded', 'deploying', 'running', 'stopped', 'not deployed'];

const one = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The overview's query string, checked: unknown sorts and directions, and pages that are not 1, 2, … are refused with what to use. */
export function overviewQuery(query: Record<string, unknown>): OverviewQuery {
  const q = one(query.q).trim().slice(0, 64);
  const sortText = one(query.sort) || 'name';
  if (!(SORTS as readonly string[]).includes(sortText)) {
    throw new BerthError('INVALID_INPUT', `Sort by name, status or deployed, not "${sortText.slice(0, 40)}".`);
  }
  const sort = sortText as OverviewSort;
  const dirText = one(query.dir) || NATURAL[sort];
  if (dirText !== 'asc' && dirText !== 'desc') throw new BerthError('INVALID_INPUT', `dir is asc or desc, not "${dirText.slice(0, 40)}".`);
  const pageText = one(query.page) || '1';
  if (!/^[1-9][0-9]{0,5}$/.test(pageText)) throw new BerthError('INVALID_INPUT', `page is a page number (1, 2, …), not "${pageText.slice(0, 40)}".`);
  return { q, sort, dir: dirText, page: Number(pageText) };
}

/** Ascending order per sort: names A–Z, trouble first, oldest deploy first (never deployed before any). */
function ascending(sort: OverviewSort): (a: AppSummary, b: AppSummary) => number {
  if (sort === 'status') return (a, b) => ATTENTION.indexOf(a.status) - ATTENTION.indexOf(b.status);
  if (sort === 'deployed') return (a, b) => (a.deployedAt ?? '').localeCompare(b.deployedAt ?? '');
  return (a, b) => byName(a, b);
}

/** Code-point order (names are lowercase letters, digits and dashes): the same on every machine. */
const byName = (a: AppSummary, b: AppSummary): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export interface OverviewPage {
  readonly rows: AppSummary[];
  /** Apps matching `q` (all pages). */
  readonly matched: number;
  readonly page: number;
  readonly pages: number;
  /** 1-based positions of the first and last row shown (0 and 0 when none). */
  readonly from: number;
  readonly to: number;
}

/**
 * Filters, sorts and cuts one page out of the apps: ties (same status, same deploy time) go by
 * name, so a page always holds the same apps for the same query. A page past the last shows the last.
 */
export function overviewPage(all: readonly AppSummary[], o: OverviewQuery): OverviewPage {
  const needle = o.q.toLowerCase();
  const matched = all.filter((a) => a.name.includes(needle));
  const by = ascending(o.sort);
  const sign = o.dir === 'asc' ? 1 : -1;
  const sorted = [...matched].sort((a, b) => by(a, b) * sign || byName(a, b));
  const pages = Math.max(1, Math.ceil(sorted.length / PAGE_SIZE));
  const page = Math.min(o.page, pages);
  const rows = sorted.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const from = rows.length ? (page - 1) * PAGE_SIZE + 1 : 0;
  return { rows, matched: sorted.length, page, pages, from, to: from ? from + rows.length - 1 : 0 };
}

/** The overview's address with some of its parameters changed (defaults left out, so links stay short). */
export function overviewHref(o: OverviewQuery, change: Partial<OverviewQuery>): string {
  const next = { ...o, ...change };
  const params = new URLSearchParams();
  if (next.q) params.set('q', next.q);
  if (next.sort !== 'name') params.set('sort', next.sort);
  if (next.dir !== NATURAL[next.sort]) params.set('dir', next.dir);
  if (next.page !== 1) params.set('page', String(next.page));
  const s = params.toString();
  return s ? `/?${s}` : '/';
}

/** A column header's link: the sort in its natural direction, or the other way when it is the current one. */
export function sortHref(o: OverviewQuery, sort: OverviewSort): string {
  const dir = o.sort === sort ? (o.dir === 'asc' ? 'desc' : 'asc') : NATURAL[sort];
  return overviewHref(o, { sort, dir, page: 1 });
}
