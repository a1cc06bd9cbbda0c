// `kirikae route "<prompt>" [--json]` runs from dist/route.cjs through V8's code cache
// (bin/code-cache.js); every other shape runs the CLI bundle. Both must print the same thing,
// the cache must never be wrong or in the way, and the fast path must not load undici (the
// inventory reads Ollama over node:http).
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findProvider } from '@pydantic/genai-prices';
import { priceDataProviders } from '../../src/catalog/price-providers.js';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';
import { closedPort, ensureBuilt, kirikae, ROOT, sandbox, type Sandbox } from './helpers.js';

// @ts-expect-error -- a build script in plain JavaScript
import { providersToKeep } from '../../scripts/genai-prices-for-kirikae.mjs';
// @ts-expect-error -- a build script in plain JavaScript
import { routerFoldDigest } from '../../scripts/router-fold-code.mjs';

const keep = providersToKeep as (ids: string[], find: typeof findProvider) => { id: string }[];
const foldDigest = routerFoldDigest as (root?: string) => string;
let box: Sandbox;
let cacheDir: string;
let env: Record<string, string>;
let noOllama: string;

beforeAll(async () => {
  await ensureBuilt();
  noOllama = `http://127.0.0.1:${await closedPort()}`;
}, 120_000);
beforeEach(() => {
  box = sandbox();
  cacheDir = join(box.home, 'cache');
  env = { ...box.env, KIRIKAE_CACHE_DIR: cacheDir, OLLAMA_HOST: noOllama };
});
afterEach(() => box.remove());

const codeCache = () => join(cacheDir, 'code-cache');
const cacheFiles = () => {
  try {
    return readdirSync(codeCache());
  } catch {
    return [];
  }
};

describe('kirikae route through the code cache', () => {
  it.each([
    ['English', 'fix the typo in the README'],
    [
      'Japanese (the cues are regular expressions with escaped kana and kanji)',
      'READMEのタイポを直して',
    ],
    ['a stack trace', 'why does this fail?\nTypeError: x is undefined\n    at f (src/a.ts:3:9)'],
  ])('prints what the CLI prints for %s', async (_what, prompt) => {
    // `--json route` is a root option first: commander's path through dist/cli.js.
    const viaCli = await kirikae(['--json', 'route', prompt], env);
    expect(cacheFiles()).toEqual([]);
    const first = await kirikae(['route', prompt, '--json'], env);
    expect(cacheFiles()).toHaveLength(1);
    const cached = await kirikae(['route', '--json', prompt], env);
    for (const run of [viaCli, first, cached]) {
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(viaCli.exitCode);
    }
    expect(JSON.parse(first.stdout)).toEqual(JSON.parse(viaCli.stdout));
    expect(cached.stdout).toBe(first.stdout);
    // And the text card (`--` is not the fast path's shape either).
    const text = await kirikae(['route', prompt], env);
    expect(text.stdout).toBe((await kirikae(['route', '--', prompt], env)).stdout);
  });

  it('writes the cache once, private to the user, and uses it after', async () => {
    await kirikae(['route', 'add a test for parseDate'], env);
    const [name] = cacheFiles();
    expect(name).toMatch(/^route\.cjs-[0-9a-f]{8}-[0-9a-f]{32}\.bin$/);
    const file = join(codeCache(), name!);
    expect(statSync(codeCache()).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const before = statSync(file);
    const again = await kirikae(['route', 'add a test for parseDate'], env);
    expect(again.exitCode).toBe(0);
    const after = statSync(file);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('a damaged cache is not run, whatever part is damaged, and is replaced', async () => {
    const prompt = ['route', 'rename foo to bar in utils.ts'];
    const good = await kirikae(prompt, env);
    const [name] = cacheFiles();
    const file = join(codeCache(), name!);
    const clean = readFileSync(file);
    // Past V8's header, which is all V8 checks (such damage crashed node or changed the answer),
    // in the header, and a file cut short.
    for (const damage of [
      (b: Buffer) => b.fill(0xfc, 800_000, 800_004),
      (b: Buffer) => b.fill(0xfc, b.length - 4),
      (b: Buffer) => b.fill(7, 32, 64),
      (b: Buffer) => b.subarray(0, 1000),
    ]) {
      const damaged = damage(Buffer.from(clean));
      writeFileSync(file, damaged);
      const run = await kirikae(prompt, env);
      expect(run.exitCode).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(good.stdout);
      expect(readFileSync(file).equals(damaged)).toBe(false);
    }
  });

  it('a cache folder others may write is neither read nor written', async () => {
    mkdirSync(codeCache(), { recursive: true });
    chmodSync(codeCache(), 0o777);
    const run = await kirikae(['route', 'rename foo to bar in utils.ts'], env);
    expect(run.exitCode).toBe(0);
    expect(cacheFiles()).toEqual([]);
  });

  it('a cache folder it cannot write costs speed, not the answer', async () => {
    const good = await kirikae(['route', 'explain this regex'], {
      ...env,
      KIRIKAE_CODE_CACHE: '0',
    });
    expect(cacheFiles()).toEqual([]);
    writeFileSync(cacheDir, 'a file where the folder should be');
    const run = await kirikae(['route', 'explain this regex'], env);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(good.stdout);
  });

  /** A copy of the package (bin, dist, package.json; node_modules linked) under `home`. */
  function packageCopy(home: string): string {
    const root = join(home, 'kirikae');
    cpSync(join(ROOT, 'bin'), join(root, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'dist'), join(root, 'dist'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
    copyFileSync(join(ROOT, 'package.json'), join(root, 'package.json'));
    return root;
  }

  it('two installed copies keep a cache each; a rebuild replaces only its own', async () => {
    const copy = sandbox();
    try {
      const root = packageCopy(copy.home);
      const other = ['route', 'add a test for parseDate'];
      const runCopy = () =>
        execa(process.execPath, [join(root, 'bin', 'kirikae.js'), ...other], {
          env,
          extendEnv: false,
          cwd: box.home,
        });
      await kirikae(other, env);
      await runCopy();
      const both = cacheFiles();
      expect(both).toHaveLength(2);
      // The copy rebuilt (its bundle's text changed): its old cache goes, the other stays.
      writeFileSync(join(root, 'dist', 'route.cjs'), '\n// rebuilt\n', { flag: 'a' });
      await runCopy();
      await kirikae(other, env);
      const after = cacheFiles();
      expect(after).toHaveLength(2);
      expect(after.filter((f) => both.includes(f))).toHaveLength(1);
    } finally {
      copy.remove();
    }
  });

  it('keys the cache by the digest the build wrote, or by the text when that file is gone', async () => {
    const copy = sandbox();
    try {
      const root = packageCopy(copy.home);
      const bundle = join(root, 'dist', 'route.cjs');
      const prompt = ['route', 'add a test for parseDate', '--json'];
      const runCopy = () =>
        execa(process.execPath, [join(root, 'bin', 'kirikae.js'), ...prompt], {
          env,
          extendEnv: false,
          cwd: box.home,
        });
      const first = await runCopy();
      const named = cacheFiles();
      expect(named).toHaveLength(1);
      // The same text, the file rewritten: its time changed, so another cache.
      writeFileSync(bundle, readFileSync(bundle));
      await runCopy();
      expect(cacheFiles()).toHaveLength(1);
      expect(cacheFiles()).not.toEqual(named);
      // No digest file: the text is hashed, and the answer is the same.
      rmSync(`${bundle}.sha256`);
      const hashed = await runCopy();
      const again = await runCopy();
      expect(cacheFiles()).toHaveLength(1);
      for (const run of [hashed, again]) {
        expect(run.stderr).toBe('');
        expect(run.stdout).toBe(first.stdout);
      }
    } finally {
      copy.remove();
    }
  });

  it('a route.cjs that cannot load leaves the answer to the CLI bundle', async () => {
    const good = await kirikae(['route', 'fix the typo in the README'], env);
    const copy = sandbox();
    try {
      // A copy of the package whose route.cjs is damaged (a partial build, a bad disk).
      const root = packageCopy(copy.home);
      writeFileSync(join(root, 'dist', 'route.cjs'), 'this is not javascript (');
      // And one that loads but is not the fast path's (an older build's exports).
      const oddRoot = packageCopy(join(copy.home, 'odd'));
      writeFileSync(join(oddRoot, 'dist', 'route.cjs'), 'module.exports = { route() {} };');
      const odd = await execa(
        process.execPath,
        [join(oddRoot, 'bin', 'kirikae.js'), 'route', 'fix the typo in the README'],
        { env, extendEnv: false, reject: false, cwd: box.home, stripFinalNewline: false },
      );
      expect([odd.exitCode, odd.stderr, odd.stdout]).toEqual([0, '', good.stdout]);
      const run = await execa(
        process.execPath,
        [join(root, 'bin', 'kirikae.js'), 'route', 'fix the typo in the README'],
        { env, extendEnv: false, reject: false, cwd: box.home, stripFinalNewline: false },
      );
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toBe(good.stdout);
    } finally {
      copy.remove();
    }
  });

  it('an installed copy reads the weights from its dist/; without them both paths route by the rules', async () => {
    const copy = sandbox();
    try {
      const root = packageCopy(copy.home);
      const route = (args: string[]) =>
        execa(process.execPath, [join(root, 'bin', 'kirikae.js'), ...args], {
          env,
          extendEnv: false,
          reject: false,
          cwd: box.home,
        });
      const prompt = 'fix the typo in the README';
      const source = (stdout: string) =>
        (JSON.parse(stdout) as { classifier: { source: string } }).classifier.source;
      expect(source((await route(['route', prompt, '--json'])).stdout)).toBe('trained');
      rmSync(join(root, 'dist', 'router.bin'));
      for (const args of [
        ['route', prompt, '--json'],
        ['--json', 'route', prompt],
      ]) {
        const run = await route(args);
        expect([run.exitCode, run.stderr]).toEqual([0, '']);
        expect(source(run.stdout)).toBe('rules');
      }
    } finally {
      copy.remove();
    }
  });

  it('anything but `route "<prompt>" [--json]` goes to the CLI, which answers it', async () => {
    const help = await kirikae(['route', '--help'], env);
    expect(help.stdout).toMatch(/show how a prompt would be routed/);
    const two = await kirikae(['route', 'a', 'b'], env);
    expect(two.exitCode).not.toBe(0);
    expect(two.stderr).toMatch(/too many arguments/);
    const dash = await kirikae(['route', '--', '-x is wrong'], env);
    expect(dash.exitCode).toBe(0);
    expect(cacheFiles()).toEqual([]);
  });
});

describe('the fast path ends as the CLI does', () => {
  let hang: Server;
  let hangUrl: string;
  /** Called when the hanging Ollama gets a request. */
  let asked: (() => void) | undefined;
  beforeAll(async () => {
    // An Ollama that accepts every request and never answers.
    hang = createServer(() => asked?.());
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    hangUrl = `http://127.0.0.1:${(hang.address() as { port: number }).port}`;
  });
  afterAll(() => {
    hang.closeAllConnections();
    hang.close();
  });

  it.each([
    ['the fast path', ['route', 'fix the typo in the README']],
    ['the CLI', ['route', '--', 'fix the typo in the README']],
  ])('%s prints and exits while Ollama hangs', async (_path, args) => {
    const run = await kirikae(args, { ...env, OLLAMA_HOST: hangUrl }, { timeoutMs: 9000 });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/route\s+tier 3 local/);
    // The card waits 2 s for Ollama; the reads still in flight then end with the command.
    expect(run.endedAtMs).toBeLessThan(6000);
  });

  it.each([
    ['the fast path', ['route', 'fix the typo in the README']],
    ['the CLI', ['route', '--', 'fix the typo in the README']],
  ])('%s exits 143 on SIGTERM', async (_path, args) => {
    const waiting = new Promise<void>((r) => (asked = r));
    const child = execa(process.execPath, [join(ROOT, 'bin', 'kirikae.js'), ...args], {
      env: { ...env, OLLAMA_HOST: hangUrl },
      extendEnv: false,
      reject: false,
      cwd: box.home,
    });
    // Once it asks Ollama it is waiting, as a user would see it hang: a fixed delay was too
    // short on a loaded machine, before node had even run the command.
    await waiting;
    asked = undefined;
    child.kill('SIGTERM');
    const run = await child;
    expect([run.exitCode, run.signal ?? null]).toEqual([143, null]);
  });

  it.each([
    ['the fast path', ['route', 'fix the typo in the README', '--json']],
    ['the CLI', ['--json', 'route', 'fix the typo in the README']],
  ])('%s: a reader that closes the pipe early is not an error', async (_path, args) => {
    const child = execa(process.execPath, [join(ROOT, 'bin', 'kirikae.js'), ...args], {
      env,
      extendEnv: false,
      reject: false,
      cwd: box.home,
      buffer: { stdout: false },
    });
    child.stdout!.destroy(); // `| head -1` that has its line
    const run = await child;
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
  });
});

describe('the fast path and undici', () => {
  it('carries the price data of the providers kirikae prices through, and prices their models', async () => {
    // scripts/genai-prices-for-kirikae.mjs: the package's entries for these, written out again.
    const expected = keep(priceDataProviders(), findProvider)
      .map((p) => p.id)
      .sort();
    const carried = (text: string) =>
      // Minified, keys are bare (`id:"…"`); with KIRIKAE_MINIFY=0 they keep JSON's quotes.
      [...text.matchAll(/"?\bid"?:\s*"([\w-]+)",\s*"?name"?:\s*"[^"]*",\s*"?pricing_urls"?:/g)]
        .map((m) => m[1])
        .sort();
    expect(carried(readFileSync(join(ROOT, 'dist/route.cjs'), 'latin1'))).toEqual(expected);
    const chunks = join(ROOT, 'dist/chunks');
    const inChunks = readdirSync(chunks).flatMap((f) =>
      f.endsWith('.js') ? carried(readFileSync(join(chunks, f), 'utf8')) : [],
    );
    expect(inChunks.sort()).toEqual(expected);
    const run = await kirikae(
      [
        'route',
        'Design the migration of our auth service to OAuth, with a rollback plan',
        '--json',
      ],
      env,
    );
    const out = JSON.parse(run.stdout) as {
      chosen: { model: string; estimate: { usdP50: unknown } };
      alternatives: { model: string; estimate: { usdP50: unknown } }[];
    };
    const cloud = [out.chosen, ...out.alternatives].filter((r) => !r.model.startsWith('ollama/'));
    expect(cloud.length).toBeGreaterThan(0);
    for (const r of cloud) expect(typeof r.estimate.usdP50, r.model).toBe('number');
  });

  it('names the router figures’ fold code in both bundles (the checkpoint key)', () => {
    const digest = foldDigest(ROOT);
    expect(digest).toMatch(/^[0-9a-f]{16}$/);
    const route = readFileSync(join(ROOT, 'dist/route.cjs'), 'latin1');
    expect(route, "dist/ is older than the fold's sources: npm run build").toContain(`"${digest}"`);
    expect(route).not.toContain('__ROUTER_FOLD_CODE__');
    const chunks = join(ROOT, 'dist/chunks');
    const withIt = readdirSync(chunks).filter((f) =>
      readFileSync(join(chunks, f), 'utf8').includes(`"${digest}"`),
    );
    expect(withIt.length).toBeGreaterThan(0);
  });

  let stub: OllamaStub;
  beforeAll(async () => {
    stub = await startOllamaStub({
      models: [{ name: 'qwen3-coder:30b', size: 18_556_700_000 }],
    });
  });
  afterAll(() => stub.close());

  it('reads Ollama without loading fetch (undici is ~50 ms of a cold start)', async () => {
    const probe = join(box.home, 'probe.cjs');
    writeFileSync(
      probe,
      "process.on('exit', () => require('fs').writeSync(2, JSON.stringify(process.moduleLoadList)));\n",
    );
    // Not spawnSync: the stub answers from this process's event loop.
    const run = await execa(
      process.execPath,
      ['--require', probe, 'bin/kirikae.js', 'route', 'fix the typo in the README', '--json'],
      { cwd: ROOT, env: { ...env, OLLAMA_HOST: stub.url }, extendEnv: false, reject: false },
    );
    expect(run.exitCode).toBe(0);
    const out = JSON.parse(run.stdout) as { route: { model: string; available?: boolean } };
    expect(JSON.stringify(out)).toContain('qwen3-coder:30b');
    expect(JSON.stringify(out)).not.toMatch(/Cannot reach Ollama/);
    const modules = JSON.parse(run.stderr) as string[];
    expect(modules.some((m) => m.includes('undici'))).toBe(false);
    expect(modules).toContain('NativeModule http');
  });
});
