import { renderMarkdownFor } from './help-text';
import { GROUPS } from './registry';

export { renderOverview, renderVerbHelp } from './help-text';

/**
 * docs/cli.md's text. Regenerate the file after changing a verb:
 *   npx tsc -p tsconfig.json && node -e "fs.writeFileSync('docs/cli.md', require('./dist/app/cli/help').renderMarkdown())"
 */
export function renderMarkdown(): string {
  return renderMarkdownFor(GROUPS);
}
