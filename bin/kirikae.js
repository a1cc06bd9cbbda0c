#!/usr/bin/env node
// Launcher: the bundled CLI lives in dist/ (built by `npm run build`, which `npm start` runs).
// `--version` and `--help` alone are answered here, from package.json and the help text the build
// saved, so they cost a bare node start: the bundle (commander, zod, the price data) is not
// parsed for them.
import { existsSync, readFileSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

/** Answers `--version` or `--help` alone; false for anything commander must parse. */
function answeredHere(args) {
  if (args.length !== 1) return false;
  const [flag] = args;
  if (flag === '--version' || flag === '-v') {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    process.stdout.write(`${pkg.version}\n`);
    return true;
  }
  const help = new URL('../dist/help.txt', import.meta.url);
  if ((flag === '--help' || flag === '-h') && existsSync(help)) {
    process.stdout.write(readFileSync(help, 'utf8'));
    return true;
  }
  return false;
}

const bundle = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (answeredHere(process.argv.slice(2))) {
  // Done: nothing else is loaded.
} else if (!existsSync(bundle)) {
  console.error('kirikae: dist/cli.js is missing. Run `npm run build` (or `npm start`) first.');
  process.exitCode = 1;
} else {
  // V8's code cache for the bundle's chunks (Node >= 22.1): later starts skip most of the
  // parsing. Older Node has no such API and parses the bundle each time.
  module.enableCompileCache?.();
  await import(bundle);
}
