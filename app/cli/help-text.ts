import { GLOBAL_OPTIONS } from './argv';
import type { OptionSpec, Verb, VerbGroup } from './types';

const optionLabel = (o: OptionSpec): string =>
  `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.value ? ` ${o.value}` : ''}`;

const aligned = (rows: readonly (readonly [string, string])[], indent = '  '): string => {
  const width = Math.max(0, ...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `${indent}${a.padEnd(width)}  ${b}`.trimEnd() + '\n').join('');
};

/** `berth help`: every verb, by group. */
export function renderOverview(groups: readonly VerbGroup[]): string {
  const rows = groups.flatMap((g) => g.verbs.map((v) => [v.name, v.summary] as const));
  const width = Math.max(...rows.map(([n]) => n.length));
  let text = 'Usage: berth <verb> [args] [options]\n';
  for (const g of groups) {
    text += `\n${g.summary}:\n`;
    text += g.verbs.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}\n`).join('');
  }
  text += `\nEvery verb takes:\n${aligned(GLOBAL_OPTIONS.map((o) => [optionLabel(o), o.summary]))}`;
  text += '\n`berth help <verb>` shows a verb\'s usage. Exit code 0 on success, 1 on any error.\n';
  return text;
}

/** `berth help <verb>` / `berth <verb> --help`. */
export function renderVerbHelp(verb: Verb): string {
  let text = `Usage: ${verb.usage}\n\n${verb.summary}\n`;
  if (verb.aliases?.length) text += `\nAlso: ${verb.aliases.map((a) => `berth ${a}`).join(', ')}\n`;
  if (verb.args.length) text += `\nArguments:\n${aligned(verb.args.map((a) => [a.name, a.summary]))}`;
  text += `\nOptions:\n${aligned([...verb.options, ...GLOBAL_OPTIONS].map((o) => [optionLabel(o), o.summary]))}`;
  return text;
}

const md = (s: string): string => s.replace(/\|/g, '\\|');

/** docs/cli.md, from the registry. */
export function renderMarkdownFor(groups: readonly VerbGroup[]): string {
  const out: string[] = [
    '<!-- Generated from the CLI registry by renderMarkdown() in app/cli/help.ts; do not edit. -->',
    '# The berth CLI',
    '',
    '`berth <verb> [args] [options]` talks to berth over its REST API. `berth help` lists the verbs,',
    '`berth help <verb>` (or `berth <verb> --help`) shows one.',
    '',
    '- **Logging in:** `berth login --host <url> --token <token>` checks the token and stores both in',
    '  `$XDG_CONFIG_HOME/berth/config.json` (else `~/.config/berth/config.json`, mode 0600).',
    '  `BERTH_URL` and `BERTH_TOKEN` override the file.',
    '- **Exit codes:** 0 on success, 1 on any error; the error is printed on stderr as `!     <message>`.',
    '- **`--json`:** every verb prints the API\'s raw JSON instead of tables; errors become',
    '  `{"error":{"code","message"}}` on stderr. Verbs that queue a build then print the response and do',
    '  not follow the log.',
    '- **Builds:** verbs that queue a build (`config:set`, `config:unset`, `apps:deploy-image`,',
    '  `releases:rollback`) follow its log live and exit 1 unless it succeeds. Ctrl-C stops watching,',
    '  not the build.',
    '- **Verbs from plugins:** a plugin can add verbs named `<plugin id>:<verb>`. For a verb with a `:`',
    '  that it does not know, the CLI asks berth (`GET /api/v1/plugins/verbs`) and, if a loaded plugin',
    '  adds it, calls the plugin\'s route with the arguments (`{ "args": [...] }`); a text answer is',
    '  printed as is, anything else as JSON. `berth <id>:<verb> --help` shows its usage.',
    '',
    '## Options every verb takes',
    '',
    '| Option | Meaning |',
    '| --- | --- |',
    ...GLOBAL_OPTIONS.map((o) => `| \`${optionLabel(o)}\` | ${md(o.summary)} |`),
  ];
  for (const g of groups) {
    out.push('', `## ${g.summary}`);
    for (const v of g.verbs) {
      out.push('', `### \`${v.name}\``, '', '```', v.usage, '```', '', v.summary);
      if (v.aliases?.length) out.push('', `Also: ${v.aliases.map((a) => `\`berth ${a}\``).join(', ')}.`);
      if (v.args.length) {
        out.push('', '| Argument | Meaning |', '| --- | --- |', ...v.args.map((a) => `| \`${a.name}\`${a.optional ? ' (optional)' : ''} | ${md(a.summary)} |`));
      }
      if (v.options.length) {
        out.push('', '| Option | Meaning |', '| --- | --- |', ...v.options.map((o) => `| \`${optionLabel(o)}\` | ${md(o.summary)} |`));
      }
    }
  }
  return `${out.join('\n')}\n`;
}
