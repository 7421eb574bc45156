import { CATALOGUE } from './catalogue';
import { STATUS_FOR_KIND } from './status-for-kind';

/** docs/errors.md, generated from the catalogue so the two cannot drift apart. */
export function renderErrorsDoc(): string {
  const rows = Object.entries(CATALOGUE).map(([code, e]) => `| \`${code}\` | ${STATUS_FOR_KIND[e.kind]} | ${e.kind} | ${e.hint} |`);
  return [
    '# Errors',
    '',
    'Every error berth reports has a stable code. The API answers `{ "error": { "code", "message" } }` with',
    'the status below; the CLI and `git push` print the same message. Generated from',
    '`app/errors/catalogue.ts` by `node deploy/gen-docs.js` (a test fails when they differ).',
    '',
    '| code | HTTP | kind | meaning / what to do |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
