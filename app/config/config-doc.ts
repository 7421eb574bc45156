import fs from 'node:fs';

/** The settings documented on Config (each field's comment starts with its variable name). */
export function documentedSettings(configSource: string): Array<{ name: string; text: string }> {
  const out: Array<{ name: string; text: string }> = [];
  const re = /\/\*\*\s*([A-Z][A-Z0-9_]+)\s+—\s+([^*]+?)\s*\*\//g;
  for (let m = re.exec(configSource); m; m = re.exec(configSource)) out.push({ name: m[1], text: m[2].replace(/\s+/g, ' ') });
  return out;
}

export function renderConfigDoc(configSourcePath: string): string {
  const rows = documentedSettings(fs.readFileSync(configSourcePath, 'utf8')).map((s) => `| \`${s.name}\` | ${s.text} |`);
  return [
    '# Configuration',
    '',
    'berth reads these environment variables once at start (`app/config/index.ts`), validates them and',
    'refuses to start with a clear message when one is invalid. `deploy/install.sh` writes them to',
    '`$BERTH_HOME/berth.env`. Generated from the comments in `app/config/index.ts`; a test checks this page.',
    '',
    '| variable | meaning and default |',
    '|---|---|',
    ...rows,
    '',
  ].join('\n');
}
