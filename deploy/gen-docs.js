#!/usr/bin/env node
// Regenerates the docs that are generated from code (run after `npm run build`):
// docs/errors.md (error catalogue), docs/configuration.md (config comments), docs/cli.md (CLI registry),
// and the module graph in docs/architecture.md (from the imports, by madge: a devDependency).
// Unit tests fail when these files and the code disagree.
const fs = require('node:fs');
const path = require('node:path');
const root = path.join(__dirname, '..');
const dist = (p) => require(path.join(root, 'dist', p));
const write = (file, text) => { fs.writeFileSync(path.join(root, 'docs', file), text); console.log(`wrote docs/${file}`); };
write('errors.md', dist('app/errors/errors-doc.js').renderErrorsDoc());
write('configuration.md', dist('app/config/config-doc.js').renderConfigDoc(path.join(root, 'app/config/index.ts')));
if (fs.existsSync(path.join(root, 'dist/app/cli/help.js'))) write('cli.md', dist('app/cli/help.js').renderMarkdown());
const graph = dist('test/support/module-graph.js');
graph.moduleGraph(root).then((g) => {
  const file = path.join(root, 'docs', 'architecture.md');
  fs.writeFileSync(file, graph.withModuleGraph(fs.readFileSync(file, 'utf8'), graph.renderModuleGraph(g)));
  console.log('wrote the module graph in docs/architecture.md');
}).catch((e) => { console.error(e); process.exitCode = 1; });
