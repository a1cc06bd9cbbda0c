#!/usr/bin/env node
// Launcher: the bundled CLI lives in dist/ (built by `npm run build`, which `npm start` runs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(bundle)) {
  console.error('kirikae: dist/cli.js is missing. Run `npm run build` (or `npm start`) first.');
  process.exit(1);
}
await import(bundle);
