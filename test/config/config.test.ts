// Config: defaults from DESIGN.md, KIRIKAE_CONFIG_DIR, validation that names the bad field and
// never rewrites the user's file, `config set/get` semantics and env-var overrides.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_ROUTING_TABLE,
  DEFAULT_TIERS,
  configDir,
  configFile,
  configKeyParts,
  dataDir,
  defaultConfig,
  getConfigValue,
  loadConfig,
  loadConfigStrict,
  parseCliValue,
  setConfigValue,
  updateConfig,
} from '../../src/config/index.js';
import { writeConfigFile, writeTarget } from '../../src/config/file.js';
import { KirikaeError } from '../../src/core/errors.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kirikae-config-'));
  env = { KIRIKAE_CONFIG_DIR: dir };
  file = join(dir, 'config.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a file and returns a check that its bytes and mtime never changed. */
function writeUserFile(text: string): () => void {
  writeFileSync(file, text);
  const before = { bytes: readFileSync(file), mtimeMs: statSync(file).mtimeMs };
  return () => {
    expect(readFileSync(file).equals(before.bytes)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
  };
}

function thrown(fn: () => unknown): KirikaeError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KirikaeError);
    return error as KirikaeError;
  }
  throw new Error('expected a KirikaeError, nothing was thrown');
}

describe('defaults', () => {
  it('match the tier table of DESIGN.md', () => {
    expect(defaultConfig().tiers).toEqual({
      '0': ['anthropic/claude-opus-5-5', 'openai/gpt-6.2-sol'],
      '1': ['anthropic/claude-sonnet-5-5'],
      '2': ['anthropic/claude-haiku-5-5', 'openrouter/google/gemini-3.8-flash'],
      '3': ['ollama/qwen3-coder:30b', 'ollama/qwen3-coder-next', 'ollama/glm-4.7-flash'],
      '4': ['openrouter/deepseek/deepseek-v4-flash', 'openrouter/openai/gpt-oss-120b'],
    });
  });

  it('hold the documented budget, routing, local, confirm, agent and ui values', () => {
    const config = defaultConfig();
    expect(config.budget).toEqual({ monthlyUsd: 200, action: 'ask', warnAt: [0.5, 0.8, 0.95] });
    expect(config.routing.longContextThreshold).toBe(60_000);
    expect(config.routing.rules).toEqual([]);
    expect(config.routing.table).toEqual({});
    // README: architecture → 0, implement → 1, docs → 2, quick-fix → 3, research → 4.
    expect(DEFAULT_ROUTING_TABLE).toMatchObject({
      architecture: 0,
      implement: 1,
      docs: 2,
      'quick-fix': 3,
      research: 4,
    });
    expect(config.fallback).toEqual([
      'anthropic/claude-sonnet-5-5',
      'openai/gpt-6.2-sol',
      'openrouter/deepseek/deepseek-v4-flash',
      'ollama/qwen3-coder:30b',
    ]);
    // The budget is derived from the machine (GPU wired limit − reserve); a cap is optional.
    expect(config.local).toMatchObject({ reserveGb: 4, keepAlive: '30m' });
    expect(config.local.memoryBudgetGb).toBeUndefined();
    expect(config.confirm).toEqual({ autoAcceptBelowUsd: 0, autoAcceptLocal: false });
    expect(config.prices).toEqual({});
    expect(config.agent).toMatchObject({ permissionMode: 'ask', allow: [], ask: [], deny: [] });
    expect(config.verify.command).toBeUndefined();
    expect(config.ui.theme).toBe('dark');
  });

  it('are what loadConfig returns when there is no file, and nothing is written', () => {
    const loaded = loadConfig(env);
    expect(loaded.problems).toEqual([]);
    expect(loaded.path).toBe(file);
    expect(loaded.config).toEqual(defaultConfig());
    expect(existsSync(file)).toBe(false);
  });

  it('fill in what a partial file leaves out, tier by tier', () => {
    writeFileSync(file, JSON.stringify({ tiers: { '1': ['anthropic/claude-opus-4-6'] } }));
    const { config, problems } = loadConfig(env);
    expect(problems).toEqual([]);
    expect(config.tiers['1']).toEqual(['anthropic/claude-opus-4-6']);
    expect(config.tiers['0']).toEqual(defaultConfig().tiers['0']);
    expect(config.budget.monthlyUsd).toBe(200);
  });
});

describe('paths', () => {
  it('KIRIKAE_CONFIG_DIR and KIRIKAE_DATA_DIR override the OS folders', () => {
    expect(configDir(env)).toBe(dir);
    expect(configFile(env)).toBe(file);
    expect(dataDir({ KIRIKAE_DATA_DIR: '/tmp/k-data' })).toBe('/tmp/k-data');
  });

  it('fall back to the OS conventions', () => {
    expect(configDir({}, 'darwin')).toMatch(/Library\/Preferences\/kirikae$/);
    expect(dataDir({}, 'darwin')).toMatch(/Library\/Application Support\/kirikae$/);
    expect(configDir({ XDG_CONFIG_HOME: '/x/cfg' }, 'linux')).toBe('/x/cfg/kirikae');
    expect(dataDir({ XDG_DATA_HOME: '/x/data' }, 'linux')).toBe('/x/data/kirikae');
  });

  it('loadConfig reads the file in KIRIKAE_CONFIG_DIR', () => {
    writeFileSync(file, JSON.stringify({ budget: { monthlyUsd: 75 } }));
    expect(loadConfig(env).config.budget.monthlyUsd).toBe(75);
    // Another folder is another config.
    const other = mkdtempSync(join(tmpdir(), 'kirikae-config-other-'));
    try {
      expect(loadConfig({ KIRIKAE_CONFIG_DIR: other }).config.budget.monthlyUsd).toBe(200);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('a file that fails validation', () => {
  it('is reported with the field path and what was expected, and left untouched', () => {
    const unchanged = writeUserFile(
      '{\n  "budget": { "monthlyUsd": "x" },\n  "tiers": { "0": ["foo"] }\n}\n',
    );
    const loaded = loadConfig(env);
    expect(loaded.problems.length).toBeGreaterThanOrEqual(2);
    const budget = loaded.problems.find((p) => p.includes('budget.monthlyUsd'));
    expect(budget).toBeDefined();
    expect(budget).toContain(file);
    expect(budget).toMatch(/expected number, received string/);
    const tiers = loaded.problems.filter((p) => p.includes('tiers.0.0'));
    expect(tiers.length).toBeGreaterThan(0);
    expect(tiers.join('\n')).toMatch(/expected provider\/model/);
    // The app keeps working on defaults.
    expect(loaded.config).toEqual(defaultConfig());
    unchanged();
  });

  it('makes loadConfigStrict and getConfigValue throw a config error naming the field', () => {
    const unchanged = writeUserFile(JSON.stringify({ agent: { permissionMode: 'yolo' } }));
    const strict = thrown(() => loadConfigStrict(env));
    expect(strict.kind).toBe('config');
    expect(strict.message).toContain('agent.permissionMode');
    expect(thrown(() => getConfigValue('budget.monthlyUsd', env)).message).toContain(
      'agent.permissionMode',
    );
    unchanged();
  });

  it('is not valid JSON: reported, defaults used, file untouched', () => {
    const unchanged = writeUserFile('{"budget": {"monthlyUsd": 300,}');
    const loaded = loadConfig(env);
    expect(loaded.problems).toHaveLength(2);
    expect(loaded.problems[0]).toContain(file);
    expect(loaded.problems[0]).toMatch(/not valid JSON/);
    // Its permission settings are unknown: everything else is defaults, tools fail closed.
    expect(loaded.problems[1]).toMatch(/refuses to change files or run commands and to read/);
    expect(loaded.permissionLock).toEqual({ reason: expect.any(String), reads: true });
    const defaults = defaultConfig();
    expect(loaded.config).toEqual({
      ...defaults,
      agent: { ...defaults.agent, permissionMode: 'read-only' },
    });
    unchanged();
  });

  it('is not valid JSON: config set refuses with the same report and writes nothing', () => {
    const unchanged = writeUserFile('{"budget": ');
    const error = thrown(() => setConfigValue('budget.monthlyUsd', 300, env));
    expect(error.kind).toBe('config');
    expect(error.message).toMatch(/not valid JSON/);
    expect(error.message).toContain(file);
    expect(thrown(() => updateConfig(() => undefined, env)).message).toMatch(/not valid JSON/);
    unchanged();
    expect(readdirSync(dir)).toEqual(['config.json']);
  });
});

describe('the config file on disk', () => {
  it('JSON that is not an object is reported as such, and tools fail closed', () => {
    const unchanged = writeUserFile('[{"budget": {"monthlyUsd": 300}}]');
    const loaded = loadConfig(env);
    expect(loaded.problems[0]).toMatch(/is not a JSON object \(the top level is an array/);
    expect(loaded.permissionLock?.reads).toBe(true);
    expect(thrown(() => setConfigValue('budget.monthlyUsd', 1, env)).message).toMatch(
      /not a JSON object/,
    );
    unchanged();
  });

  it('reading creates neither the folder nor the file', () => {
    const missing = { KIRIKAE_CONFIG_DIR: join(dir, 'not-yet') };
    expect(loadConfig(missing).problems).toEqual([]);
    expect(existsSync(join(dir, 'not-yet'))).toBe(false);
  });

  it('is written tab-indented, owner-only when new, and replaced whole (no temp file left)', () => {
    const nested = { KIRIKAE_CONFIG_DIR: join(dir, 'a', 'b') };
    setConfigValue('budget.monthlyUsd', 300, nested);
    const written = join(dir, 'a', 'b', 'config.json');
    expect(readFileSync(written, 'utf8')).toBe('{\n\t"budget": {\n\t\t"monthlyUsd": 300\n\t}\n}');
    if (process.platform !== 'win32') expect(statSync(written).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['config.json']);
  });

  it('an existing file keeps its mode exactly, whatever the umask', () => {
    writeFileSync(file, '{}');
    chmodSync(file, 0o664);
    const umask = process.umask(0o022);
    try {
      setConfigValue('budget.monthlyUsd', 300, env);
    } finally {
      process.umask(umask);
    }
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o664);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ budget: { monthlyUsd: 300 } });
  });

  it('a write that fails leaves the old file whole, no temp file behind, and names the file', () => {
    // A folder where the file would go: the temporary file is written, the rename fails.
    mkdirSync(file);
    expect(() => writeConfigFile(file, { budget: { monthlyUsd: 400 } })).toThrow();
    expect(statSync(file).isDirectory()).toBe(true);
    expect(readdirSync(dir)).toEqual(['config.json']);
    rmSync(file, { recursive: true });
    // Through `config set`: the error names the config file, not the temporary one.
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, 'a file where the config folder would be');
    const error = thrown(() =>
      setConfigValue('budget.monthlyUsd', 400, { KIRIKAE_CONFIG_DIR: join(blocked, 'kirikae') }),
    );
    expect(error.message).toContain(join(blocked, 'kirikae', 'config.json'));
    expect(error.message).not.toMatch(/\.tmp/);
  });

  it('a symlinked file is written through the link (a dotfiles repository stays the source)', () => {
    const repo = mkdtempSync(join(tmpdir(), 'kirikae-dotfiles-'));
    try {
      const real = join(repo, 'kirikae.json');
      writeFileSync(real, '{"budget": {"monthlyUsd": 300}}');
      symlinkSync(real, file);
      setConfigValue('budget.monthlyUsd', 50, env);
      expect(lstatSync(file).isSymbolicLink()).toBe(true);
      expect(JSON.parse(readFileSync(real, 'utf8'))).toEqual({ budget: { monthlyUsd: 50 } });
      expect(readdirSync(repo)).toEqual(['kirikae.json']);

      // A dangling link: its target is created, the link kept.
      rmSync(file);
      const later = join(repo, 'later.json');
      symlinkSync(later, file);
      expect(writeTarget(file)).toBe(later);
      setConfigValue('budget.monthlyUsd', 60, env);
      expect(lstatSync(file).isSymbolicLink()).toBe(true);
      expect(JSON.parse(readFileSync(later, 'utf8'))).toEqual({ budget: { monthlyUsd: 60 } });
      if (process.platform !== 'win32') expect(statSync(later).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('null at the top level is reported as null', () => {
    writeUserFile('null');
    expect(loadConfig(env).problems[0]).toMatch(/the top level is null, not an object/);
  });
});

describe('setConfigValue', () => {
  it('accepts a valid value and writes only what was set', () => {
    const config = setConfigValue('budget.monthlyUsd', 300, env);
    expect(config.budget.monthlyUsd).toBe(300);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ budget: { monthlyUsd: 300 } });
    expect(getConfigValue('budget.monthlyUsd', env)).toBe(300);
    expect(loadConfig(env).config.budget.monthlyUsd).toBe(300);
  });

  it('sets a whole tier and keeps earlier values', () => {
    setConfigValue('budget.action', 'block', env);
    setConfigValue('tiers.3', ['ollama/qwen3-coder:30b'], env);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      budget: { action: 'block' },
      tiers: { '3': ['ollama/qwen3-coder:30b'] },
    });
    expect(getConfigValue('tiers.3', env)).toEqual(['ollama/qwen3-coder:30b']);
    expect(getConfigValue('tiers.0', env)).toEqual(defaultConfig().tiers['0']);
  });

  it('refuses a bad value with the field path, writing nothing (no file yet)', () => {
    const error = thrown(() => setConfigValue('budget.monthlyUsd', 'x', env));
    expect(error.kind).toBe('config');
    expect(error.message).toMatch(/^budget\.monthlyUsd: expected number, received string/);
    expect(error.hint).toBe('Nothing was written');
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a bad model id in a tier, writing nothing (file kept byte for byte)', () => {
    setConfigValue('budget.monthlyUsd', 300, env);
    const unchanged = writeUserFile(readFileSync(file, 'utf8'));
    const error = thrown(() => setConfigValue('tiers.0', ['foo'], env));
    expect(error.message).toContain('tiers.0.0');
    expect(error.message).toMatch(/expected provider\/model/);
    expect(thrown(() => setConfigValue('tiers.0', ['nope/model'], env)).message).toMatch(
      /tiers\.0\.0: provider must be one of anthropic, openai, openrouter, deepseek, ollama/,
    );
    unchanged();
  });

  it('validates the whole result: a bad field already in the file blocks any set', () => {
    const unchanged = writeUserFile(JSON.stringify({ local: { reserveGb: -1 } }));
    const error = thrown(() => setConfigValue('budget.monthlyUsd', 300, env));
    expect(error.message).toContain('local.reserveGb');
    unchanged();
  });

  it('refuses a theme that does not exist, naming the ones that do', () => {
    const error = thrown(() => setConfigValue('ui.theme', 'neon', env));
    expect(error.message).toMatch(/^ui\.theme: .*"dark"\|"light"\|"high-contrast"\|"dracula"/);
    expect(existsSync(file)).toBe(false);
    expect(setConfigValue('ui.theme', 'dracula', env).ui.theme).toBe('dracula');
  });

  it('refuses a key binding that could not be matched, and an action the keymap does not drive', () => {
    // Accepted before, `bogus-key` left Ctrl-C dead: nothing cleared, nothing exited.
    expect(thrown(() => setConfigValue('ui.keymap.clearInput', 'bogus-key', env)).message).toMatch(
      /^ui\.keymap\.clearInput: "bogus-key" is not a key: one character, ctrl\+<letter>, or one of enter, escape/,
    );
    expect(thrown(() => setConfigValue('ui.keymap.clearInput', ' , ', env)).message).toContain(
      'no key given',
    );
    expect(thrown(() => setConfigValue('ui.keymap.clearInput', 'ctrl+j', env)).message).toBe(
      'ui.keymap.clearInput: "ctrl+j" arrives as a new line in a terminal, not as a ctrl key',
    );
    expect(thrown(() => setConfigValue('ui.keymap.routeTier', 'q', env)).message).toMatch(
      /"routeTier" is not an action that can be rebound/,
    );
    expect(thrown(() => setConfigValue('ui.keymap.submit', 'ctrl+j', env)).message).toMatch(
      /"submit" is not an action that can be rebound; these can: interrupt, /,
    );
    expect(existsSync(file)).toBe(false);
    expect(setConfigValue('ui.keymap.clearInput', 'ctrl+c, ctrl+g', env).ui.keymap).toEqual({
      clearInput: 'ctrl+c, ctrl+g',
    });
  });

  it('refuses an unknown key', () => {
    const error = thrown(() => setConfigValue('budget.nope', 3, env));
    expect(error.message).toBe('No config key "budget.nope"');
    expect(thrown(() => setConfigValue('nope', 3, env)).message).toBe('No config key "nope"');
    expect(existsSync(file)).toBe(false);
  });

  it('keeps the dots of a model id under prices (the hint kirikae itself prints)', () => {
    expect(configKeyParts('prices.openrouter/google/gemini-2.5-flash')).toEqual([
      'prices',
      'openrouter/google/gemini-2.5-flash',
    ]);
    expect(configKeyParts('prices.ollama/glm-4.7.outputMtok')).toEqual([
      'prices',
      'ollama/glm-4.7',
      'outputMtok',
    ]);
    setConfigValue(
      'prices.openrouter/google/gemini-2.5-flash',
      parseCliValue('{"inputMtok":0.3,"outputMtok":2.5}'),
      env,
    );
    setConfigValue('prices.openrouter/google/gemini-2.5-flash.outputMtok', 3, env);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      prices: { 'openrouter/google/gemini-2.5-flash': { inputMtok: 0.3, outputMtok: 3 } },
    });
    expect(getConfigValue('prices.openrouter/google/gemini-2.5-flash.inputMtok', env)).toBe(0.3);
  });
});

describe('getConfigValue', () => {
  it('returns the effective value (defaults included)', () => {
    expect(getConfigValue('budget.monthlyUsd', env)).toBe(200);
    expect(getConfigValue('budget', env)).toEqual(defaultConfig().budget);
    expect(getConfigValue('tiers.1', env)).toEqual(['anthropic/claude-sonnet-5-5']);
  });

  it('errors on an unknown key, listing the top-level keys', () => {
    const error = thrown(() => getConfigValue('budget.nope', env));
    expect(error.kind).toBe('config');
    expect(error.message).toBe('No config key "budget.nope"');
    expect(error.hint).toMatch(/tiers, routing, fallback, budget/);
    expect(thrown(() => getConfigValue('nope', env)).message).toBe('No config key "nope"');
  });
});

describe('getConfigValue of a key with no default', () => {
  it('says it is not set (a key the schema has), not that there is no such key', () => {
    const error = thrown(() => getConfigValue('verify.command', env));
    expect(error.message).toBe('verify.command is not set');
    expect(error.hint).toBe('kirikae config set verify.command <value> sets it');
    expect(thrown(() => getConfigValue('verify.nope', env)).message).toBe(
      'No config key "verify.nope"',
    );
    // A record's keys are the user's: one it does not hold is unknown, not unset.
    expect(thrown(() => getConfigValue('ui.keymap.submitt', env)).message).toBe(
      'No config key "ui.keymap.submitt"',
    );
    setConfigValue('verify.command', 'npm test', env);
    expect(getConfigValue('verify.command', env)).toBe('npm test');
  });
});

describe('parseCliValue', () => {
  it('reads JSON when it parses, else keeps the text', () => {
    expect(parseCliValue('300')).toBe(300);
    expect(parseCliValue('true')).toBe(true);
    expect(parseCliValue('["a/b"]')).toEqual(['a/b']);
    expect(parseCliValue('dracula')).toBe('dracula');
  });
});

describe('environment overrides', () => {
  it('KIRIKAE_BUDGET_USD replaces the monthly budget for this run only', () => {
    setConfigValue('budget.monthlyUsd', 300, env);
    const before = readFileSync(file, 'utf8');
    expect(loadConfig({ ...env, KIRIKAE_BUDGET_USD: '42.5' }).config.budget.monthlyUsd).toBe(42.5);
    expect(loadConfig({ ...env, KIRIKAE_BUDGET_USD: '0' }).config.budget.monthlyUsd).toBe(0);
    // Never written back, not even by a later set.
    setConfigValue('budget.action', 'block', { ...env, KIRIKAE_BUDGET_USD: '42.5' });
    expect(JSON.parse(readFileSync(file, 'utf8')).budget).toEqual({
      monthlyUsd: 300,
      action: 'block',
    });
    expect(before).toContain('300');
    expect(loadConfig(env).config.budget.monthlyUsd).toBe(300);
  });

  it('ignores a KIRIKAE_BUDGET_USD that is not a non-negative number', () => {
    for (const value of ['abc', '-5', '', 'Infinity']) {
      expect(loadConfig({ ...env, KIRIKAE_BUDGET_USD: value }).config.budget.monthlyUsd).toBe(200);
    }
  });

  it("KIRIKAE_THEME picks a built-in theme; an unknown one leaves the file's", () => {
    setConfigValue('ui.theme', 'light', env);
    expect(loadConfig({ ...env, KIRIKAE_THEME: 'dracula' }).config.ui.theme).toBe('dracula');
    expect(loadConfig({ ...env, KIRIKAE_THEME: 'neon' }).config.ui.theme).toBe('light');
  });

  it('applies on top of defaults when the file is invalid', () => {
    writeFileSync(file, JSON.stringify({ budget: { monthlyUsd: 'x' } }));
    const loaded = loadConfig({ ...env, KIRIKAE_BUDGET_USD: '12' });
    expect(loaded.problems).not.toEqual([]);
    expect(loaded.config.budget.monthlyUsd).toBe(12);
  });
});

describe('one invalid field (issue 11 item 6)', () => {
  const strict = {
    permissionMode: 'read-only',
    allow: [],
    ask: [],
    deny: ['bash', 'edit', 'read(secrets/**)'],
  };

  it('keeps every valid field, a read-only deny-everything agent above all', () => {
    const unchanged = writeUserFile(
      JSON.stringify({
        budget: { monthlyUsd: '50 dollars', action: 'block' },
        agent: strict,
        verify: { command: 'make check' },
      }),
    );
    const loaded = loadConfig(env);
    expect(loaded.problems).toEqual([
      `${file}: budget.monthlyUsd: expected number, received string`,
    ]);
    expect(loaded.permissionLock).toBeUndefined();
    expect(loaded.config.agent).toMatchObject(strict);
    expect(loaded.config.budget.action).toBe('block');
    expect(loaded.config.budget.monthlyUsd).toBe(200);
    expect(loaded.config.verify.command).toBe('make check');
    unchanged();
  });

  it('fails closed when a permission field is invalid, naming the field', () => {
    writeUserFile(
      JSON.stringify({ agent: { permissionMode: 'auto', deny: 'rm' }, budget: { monthlyUsd: 5 } }),
    );
    const loaded = loadConfig(env);
    expect(loaded.problems[0]).toContain('agent.deny');
    expect(loaded.problems.at(-1)).toMatch(/agent\.deny did not validate; until it is fixed/);
    expect(loaded.permissionLock).toEqual({ reason: 'agent.deny did not validate', reads: true });
    // The mode the file asked for is not what runs.
    expect(loaded.config.agent.permissionMode).toBe('read-only');
    expect(loaded.config.budget.monthlyUsd).toBe(5);
  });

  it('a bad mode keeps reads (the deny list is intact) but locks changes and commands', () => {
    writeUserFile(JSON.stringify({ agent: { permissionMode: 'yolo', deny: ['bash(rm*)'] } }));
    const loaded = loadConfig(env);
    expect(loaded.permissionLock).toEqual({
      reason: 'agent.permissionMode did not validate',
      reads: false,
    });
    expect(loaded.config.agent.deny).toEqual(['bash(rm*)']);
  });

  it('drops a list with a bad element as a whole, and keeps the other tiers', () => {
    writeUserFile(JSON.stringify({ tiers: { '1': ['nope'], '2': ['anthropic/claude-x'] } }));
    const loaded = loadConfig(env);
    expect(loaded.problems.join('\n')).toContain('tiers.1.0');
    expect(loaded.config.tiers['1']).toEqual(DEFAULT_TIERS['1']);
    expect(loaded.config.tiers['2']).toEqual(['anthropic/claude-x']);
  });
});

describe('local.keepAlive (issue 12 item 5)', () => {
  // Accepted and refused as Ollama's api/types.go Duration.UnmarshalJSON and Go's
  // time.ParseDuration would.
  it.each([
    '30m',
    '24h',
    '1h30m',
    '0',
    '-1s',
    '-1m',
    '1.5h',
    '.5h',
    '300ms',
    '10us',
    '10µs',
    3600,
    -1,
    0,
  ])('accepts %j', (value) => {
    writeUserFile(JSON.stringify({ local: { keepAlive: value } }));
    const loaded = loadConfig(env);
    expect(loaded.problems).toEqual([]);
    expect(loaded.config.local.keepAlive).toBe(value);
  });

  it.each(['1d', '-1', '3600', '', 'forever', '5 m', '1h 30m', '.h'])(
    'refuses %j naming the field',
    (value) => {
      writeUserFile(JSON.stringify({ local: { keepAlive: value, numParallel: 2 } }));
      const loaded = loadConfig(env);
      expect(loaded.problems).toHaveLength(1);
      expect(loaded.problems[0]).toContain('local.keepAlive');
      expect(loaded.problems[0]).toMatch(/no "d"/);
      expect(loaded.config.local.keepAlive).toBe('30m');
      expect(loaded.config.local.numParallel).toBe(2);
    },
  );
});

describe('keys zod would drop silently', () => {
  it.each([
    ['read(secrets/**', /is not a rule/],
    ['read_files(secrets/**)', /no tool or access is called read_files/],
  ])('a deny rule that could never match (%s) locks instead of being ignored', (rule, why) => {
    writeUserFile(JSON.stringify({ agent: { deny: [rule] } }));
    const loaded = loadConfig(env);
    expect(loaded.problems.join('\n')).toMatch(why);
    expect(loaded.permissionLock).toEqual({ reason: 'agent.deny did not validate', reads: true });
  });

  it('a misspelled permission key locks instead of falling back to ask mode', () => {
    writeUserFile(JSON.stringify({ agent: { permisionMode: 'read-only', deny: ['bash'] } }));
    const loaded = loadConfig(env);
    expect(loaded.problems[0]).toContain('agent.permisionMode: unknown setting');
    expect(loaded.permissionLock).toEqual({
      reason: 'agent.permisionMode did not validate',
      // The deny list itself loaded: reads keep it.
      reads: false,
    });
    expect(loaded.config.agent.permissionMode).toBe('read-only');
    expect(loaded.config.agent.deny).toEqual(['bash']);
  });

  it('a permission section under another name locks; an unknown table key drops only itself', () => {
    writeUserFile(
      JSON.stringify({ agnet: { deny: ['bash'] }, routing: { table: { nope: 1, debug: 2 } } }),
    );
    const loaded = loadConfig(env);
    expect(loaded.problems.join('\n')).toContain('agnet: unknown section (permission settings');
    expect(loaded.permissionLock?.reason).toBe('agnet did not validate');
    expect(loaded.config.routing.table).toEqual({ debug: 2 });
  });
});
