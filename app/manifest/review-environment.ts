import { parse as parseJsonc } from 'jsonc-parser';
import { parseAppJson } from './app-json';
import { invalid, isObject } from './json-fields';

/** How a review app gets services: none, links to the parent's own (`shared`), or new empty ones of the same kinds (`new`). */
export type ReviewServicesPolicy = 'none' | 'shared' | 'new';

/** app.json `environments.review`: what a review app (a push to review/<name>) differs in from its parent. */
export interface ReviewEnvironment {
  /** Config vars set on the review app over the parent's copy (`env`: `{"K": "v"}` or Heroku's `{"K": {"value": "v"}}`). */
  readonly env: Readonly<Record<string, string>>;
  /** Process counts the review app starts with (`formation`, as the top-level one). */
  readonly formation: Readonly<Record<string, number>>;
  /** `services`: "none" (the default: a review app never touches the parent's data unasked), "shared" or "new". */
  readonly services: ReviewServicesPolicy;
}

export const NO_REVIEW_ENVIRONMENT: ReviewEnvironment = Object.freeze({ env: Object.freeze({}), formation: Object.freeze({}), services: 'none' });

const MAX_ENV = 100;

function parseEnv(env: unknown): Record<string, string> {
  if (env === undefined || env === null) return {};
  if (!isObject(env)) throw invalid('environments.review.env must be an object of NAME → value');
  const entries = Object.entries(env);
  if (entries.length > MAX_ENV) throw invalid(`environments.review.env has ${entries.length} entries; at most ${MAX_ENV}`);
  return Object.fromEntries(entries.map(([key, entry]) => {
    const value = isObject(entry) ? entry.value : entry;
    if (typeof value !== 'string') throw invalid(`environments.review.env.${key} must be a string (or {"value": "…"})`);
    return [key, value];
  }));
}

/**
 * Reads `environments.review` of an app.json text (absent: NO_REVIEW_ENVIRONMENT). The whole file is
 * checked as a build would (INVALID_APP_JSON saying what to fix); config keys and values are checked
 * by the config module when they are set.
 */
export function parseReviewEnvironment(text: string | null | undefined): ReviewEnvironment {
  parseAppJson(text);
  if (text === null || text === undefined || text.trim() === '') return NO_REVIEW_ENVIRONMENT;
  const doc = parseJsonc(text, [], { allowTrailingComma: true, disallowComments: false }) as Record<string, unknown>;
  const envs = doc.environments;
  if (envs === undefined || envs === null) return NO_REVIEW_ENVIRONMENT;
  if (!isObject(envs)) throw invalid('environments must be an object');
  const review = envs.review;
  if (review === undefined || review === null) return NO_REVIEW_ENVIRONMENT;
  if (!isObject(review)) throw invalid('environments.review must be an object');
  const services = review.services ?? 'none';
  if (services !== 'none' && services !== 'shared' && services !== 'new') throw invalid('environments.review.services must be "none", "shared" or "new"');
  // The top-level formation's rules (names, counts, the per-app ceiling), said about this one.
  let formation: Record<string, number>;
  try {
    formation = parseAppJson(JSON.stringify({ formation: review.formation ?? null })).formation;
  } catch (e) {
    throw invalid(`environments.review.${(e as Error).message.replace(/^app\.json: /, '')}`);
  }
  return { env: parseEnv(review.env), formation, services };
}
