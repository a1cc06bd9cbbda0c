#!/usr/bin/env node
/* global require, __dirname, Buffer */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, see below */
// Launcher: the bundled CLI lives in dist/ (built by `npm run build`, which `npm start` runs).
// `--version` and `--help` alone are answered here, from package.json and the help text the build
// saved, so they cost a bare node start: the bundle (commander, zod, the price data) is not
// parsed for them. `route "<prompt>" [--json]` runs dist/route.cjs through V8's code cache
// (code-cache.js): scripts call it once per prompt, so its cold start is what they wait for. bin/package.json makes this file CommonJS: node starts a CommonJS entry
// without setting up its ES module loader first, which is most of what an ESM launcher costs.
// The answer is written to fd 1 directly: the first touch of process.stdout builds a stream
// (about 30 of node's own modules: streams, net, pipes) that `node -e 0` never loads.
'use strict';
const { existsSync, readFileSync, writeSync } = require('node:fs');
const { join } = require('node:path');

/** Writes all of `text` to stdout without process.stdout; a closed pipe is not an error. */
function print(text) {
  const bytes = Buffer.from(text);
  let at = 0;
  while (at < bytes.length) {
    try {
      at += writeSync(1, bytes, at);
    } catch (error) {
      if (error.code === 'EAGAIN') {
        // A non-blocking pipe that is full: the stream waits for the reader.
        process.stdout.write(bytes.subarray(at));
        return;
      }
      if (error.code === 'EPIPE') return; // `kirikae --help | head -1`
      throw error;
    }
  }
}

/** Answers `--version` or `--help` alone; false for anything commander must parse. */
function answeredHere(args) {
  if (args.length !== 1) return false;
  const [flag] = args;
  if (flag === '--version' || flag === '-v') {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8'));
    print(`${pkg.version}\n`);
    return true;
  }
  if (flag !== '--help' && flag !== '-h') return false;
  let help;
  try {
    help = readFileSync(join(__dirname, '../dist/help.txt'), 'utf8');
  } catch {
    return false; // not built yet: the bundle check below says so
  }
  print(help);
  return true;
}

/**
 * `route "<prompt>"` with at most `--json`: the shape bin/code-cache.js runs from dist/route.cjs.
 * Anything else (root options, --help, two prompts, a prompt that starts with `-`) is commander's.
 */
function routeOnly(args) {
  if (args[0] !== 'route' || args.length < 2 || args.length > 3) return undefined;
  const rest = args.slice(1);
  const json = rest.includes('--json');
  const prompts = rest.filter((arg) => arg !== '--json');
  if (prompts.length !== 1 || rest.length !== (json ? 2 : 1) || prompts[0].startsWith('-')) {
    return undefined;
  }
  return { prompt: prompts[0], json };
}

/**
 * dist/route.cjs's exports, or undefined when it cannot be loaded (a partial build, a damaged
 * file): then the CLI bundle answers, slower but the same. Loading runs no command.
 */
function routeFastPath() {
  const routeBundle = join(__dirname, '../dist/route.cjs');
  if (!existsSync(routeBundle)) return undefined;
  try {
    const loaded = require('./code-cache.js').requireCached(routeBundle);
    if (typeof loaded?.routeCommand === 'function') return loaded;
    throw new Error(`${routeBundle} has no routeCommand`);
  } catch (error) {
    if (process.env.KIRIKAE_DEBUG === '1') console.error(error);
    return undefined;
  }
}

const bundle = join(__dirname, '../dist/cli.js');
const args = process.argv.slice(2);
const fastRoute = routeOnly(args);
const routeModule = fastRoute ? routeFastPath() : undefined;
if (routeModule) {
  routeModule.routeCommand(fastRoute.prompt, fastRoute.json).catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
} else if (answeredHere(args)) {
  // Done: nothing else is loaded.
} else if (!existsSync(bundle)) {
  console.error('kirikae: dist/cli.js is missing. Run `npm run build` (or `npm start`) first.');
  process.exitCode = 1;
} else {
  // V8's code cache for the bundle's chunks (Node >= 22.1): later starts skip most of the
  // parsing. Older Node has no such API and parses the bundle each time.
  require('node:module').enableCompileCache?.();
  import(require('node:url').pathToFileURL(bundle).href).catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
