/* global require, module, Buffer */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, see kirikae.js */
// Loads a CommonJS bundle with V8's code cache, as Node >= 22.1's module.enableCompileCache()
// does: the first run compiles the bundle and, at exit, saves the code V8 compiled while it ran
// (lazily compiled functions included); later runs hand that back to V8 and skip the parsing
// and most of the compiling. On Node 20 this is what a cold `kirikae route` spent most on.
//
// The cache lives in the user's cache folder (KIRIKAE_CACHE_DIR, else ~/Library/Caches/kirikae
// on macOS, else $XDG_CACHE_HOME or ~/.cache, then kirikae/code-cache), used only while no one
// else can write that folder. Its name carries a hash of the bundle's text (the digest the build
// wrote, with the file's size and time), node's version and the CPU architecture: V8's own check
// compares the source's length, not its text, so a rebuilt bundle of the same length must never
// meet the old cache. Each file starts with a checksum of its data, which V8 does not check.
// KIRIKAE_CODE_CACHE=0 turns it off.
'use strict';
const { createHash, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const { homedir } = require('node:os');
const path = require('node:path');
const { createRequire, wrap } = require('node:module');
const vm = require('node:vm');

function cacheDir(env) {
  if (env.KIRIKAE_CACHE_DIR) return path.join(env.KIRIKAE_CACHE_DIR, 'code-cache');
  const base =
    process.platform === 'darwin'
      ? path.join(homedir(), 'Library', 'Caches')
      : env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(base, 'kirikae', 'code-cache');
}

// CRC-32 where node has it (zlib.crc32, Node >= 20.15): ~0.5 ms for the 1.4 MB against ~4 ms of
// SHA-256, and it is damage that is checked for (the folder is trusted, see trustedFolder). The
// cache's name carries node's version, so one node always reads what it wrote.
const { crc32 } = require('node:zlib');
const DIGEST_BYTES = crc32 ? 4 : 32;
const digestOf = crc32
  ? (data) => {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(crc32(data));
      return out;
    }
  : (data) => createHash('sha256').update(data).digest();

/**
 * The cache file is a digest of V8's data, then the data. V8 checks only a header (its version,
 * flags and the source's length), not the rest: a file damaged past the header was run, and
 * crashed node or changed the answer. Data whose digest does not match is not used.
 */
function readCache(file) {
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined; // no cache yet
  }
  const data = bytes.subarray(DIGEST_BYTES);
  return bytes.length > DIGEST_BYTES && digestOf(data).equals(bytes.subarray(0, DIGEST_BYTES))
    ? data
    : undefined;
}

/**
 * Only a folder of this user's that no one else may write is trusted: whoever can write the
 * cache can choose the code kirikae runs. An existing folder is used as it is, never re-moded.
 */
function trustedFolder(dir) {
  try {
    const st = fs.lstatSync(dir);
    const mine = typeof process.getuid !== 'function' || st.uid === process.getuid();
    return st.isDirectory() && mine && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** Writes the cache under a new random name and renames it, so a reader never sees half. */
function save(file, data, stem) {
  try {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!trustedFolder(dir)) return;
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    // wx: never through a link or over a file someone placed at that name.
    fs.writeFileSync(temp, Buffer.concat([digestOf(data), data]), { mode: 0o600, flag: 'wx' });
    fs.renameSync(temp, file);
    // Caches of earlier builds of this bundle are never read again.
    for (const name of fs.readdirSync(dir)) {
      if (name.startsWith(stem) && path.join(dir, name) !== file && name.endsWith('.bin')) {
        fs.rmSync(path.join(dir, name), { force: true });
      }
    }
  } catch {
    // A read-only or full cache folder costs the next start its speed, nothing else.
  }
}

/**
 * What the cache's name says about the bundle. The build writes the bundle's SHA-256 beside it
 * (`<file>.sha256`), read here instead of hashing 1.4 MB at every start (~8 ms); the file's size
 * and modification time are added, so a bundle edited or replaced after the build never meets
 * the cache of the text the digest was taken from. Without the digest file, the text is hashed.
 */
function bundleIdentity(file, source, stat) {
  let digest;
  try {
    digest = fs.readFileSync(`${file}.sha256`, 'latin1').trim();
  } catch {
    digest = '';
  }
  if (!/^[0-9a-f]{64}$/.test(digest)) digest = createHash('sha256').update(source).digest('hex');
  return `${digest}\0${stat.size}\0${stat.mtimeMs}`;
}

/** Runs `file` (a CommonJS bundle) and returns its exports. */
function requireCached(file, env = process.env) {
  // ASCII (scripts/build.mjs escapes the rest), so latin1 reads it exactly, and fastest. Size and
  // time come from the file that was read, not from whatever is at the path a moment later.
  const fd = fs.openSync(file, 'r');
  let source;
  let stat;
  try {
    stat = fs.fstatSync(fd);
    source = wrap(fs.readFileSync(fd, 'latin1'));
  } finally {
    fs.closeSync(fd);
  }
  // One stem per installed copy: a global install and a clone used in turn keep a cache each,
  // instead of deleting each other's as "earlier builds".
  const where = createHash('sha256').update(file).digest('hex').slice(0, 8);
  const stem = `${path.basename(file)}-${where}-`;
  let cacheFile;
  let cachedData;
  if (env.KIRIKAE_CODE_CACHE !== '0') {
    const key = createHash('sha256')
      .update(`${process.version}\0${process.arch}\0`)
      .update(bundleIdentity(file, source, stat))
      .digest('hex')
      .slice(0, 32);
    const dir = cacheDir(env);
    cacheFile = path.join(dir, `${stem}${key}.bin`);
    if (trustedFolder(dir)) cachedData = readCache(cacheFile);
  }
  // No importModuleDynamically: the bundle has no import() (scripts/build.mjs).
  const script = new vm.Script(source, { filename: file, cachedData });
  // Missing, damaged, or refused by V8 (another V8, other flags): this run's code becomes the
  // cache.
  if (cacheFile && (!cachedData || script.cachedDataRejected)) {
    process.once('exit', () => save(cacheFile, script.createCachedData(), stem));
  }
  const mod = { exports: {} };
  script
    .runInThisContext()
    .call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file));
  return mod.exports;
}

module.exports = { requireCached };
