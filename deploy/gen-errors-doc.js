#!/usr/bin/env node
// Writes docs/errors.md from the error catalogue (run after `npm run build`); a unit test checks it.
const fs = require('node:fs');
const path = require('node:path');
const { renderErrorsDoc } = require('../dist/app/errors/errors-doc.js');
fs.writeFileSync(path.join(__dirname, '..', 'docs', 'errors.md'), renderErrorsDoc());
console.log('wrote docs/errors.md');
