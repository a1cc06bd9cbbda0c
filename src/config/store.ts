import Conf from 'conf';
import { KirikaeError } from '../core/errors.js';
import { configSchema, type Config } from './schema.js';
import { describeIssues } from './errors.js';
import { configDir, configFile } from './paths.js';
import { applyEnvOverrides } from './env.js';

type Raw = Record<string, unknown>;

export interface LoadedConfig {
  config: Config;
  path: string;
  /** Problems found in the file; when non-empty, `config` holds the defaults and the file is untouched. */
  problems: string[];
}

function openStore(env: NodeJS.ProcessEnv): Conf<Raw> {
  // No `defaults`: the file holds only what the user set, so new defaults reach old installs.
  return new Conf<Raw>({ projectName: 'kirikae', cwd: configDir(env), configName: 'config' });
}

function readRaw(env: NodeJS.ProcessEnv): Raw {
  try {
    return openStore(env).store;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new KirikaeError(
      'config',
      `Config file ${configFile(env)} is not valid JSON (${reason})`,
      {
        hint: 'Fix the file by hand or move it away; kirikae leaves it untouched',
      },
    );
  }
}

/**
 * Loads and validates the config. A file that fails validation is reported (field path and
 * reason) and never rewritten; the app then runs on defaults so the user is not locked out.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const path = configFile(env);
  let raw: Raw;
  try {
    raw = readRaw(env);
  } catch (error) {
    const message = error instanceof KirikaeError ? error.describe() : String(error);
    return { config: applyEnvOverrides(configSchema.parse({}), env), path, problems: [message] };
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      config: applyEnvOverrides(configSchema.parse({}), env),
      path,
      problems: describeIssues(parsed.error.issues).map((line) => `${path}: ${line}`),
    };
  }
  return { config: applyEnvOverrides(parsed.data, env), path, problems: [] };
}

/** Loads the config or throws a `config` error naming every bad field. */
export function loadConfigStrict(env: NodeJS.ProcessEnv = process.env): Config {
  const loaded = loadConfig(env);
  if (loaded.problems.length) {
    throw new KirikaeError('config', loaded.problems.join('\n'), {
      hint: 'Fix these fields (kirikae config set <key> <value>) or edit the file',
    });
  }
  return loaded.config;
}

const PRICE_FIELDS = ['inputMtok', 'outputMtok', 'cacheReadMtok', 'cacheWriteMtok'];

/**
 * The parts of a dotted key. A model id under `prices.` keeps its own dots
 * (`prices.openrouter/google/gemini-2.5-flash.inputMtok` → prices, the id, inputMtok).
 */
export function configKeyParts(key: string): string[] {
  if (!key.startsWith('prices.')) return key.split('.');
  const rest = key.slice('prices.'.length);
  const dot = rest.lastIndexOf('.');
  return dot >= 0 && PRICE_FIELDS.includes(rest.slice(dot + 1))
    ? ['prices', rest.slice(0, dot), rest.slice(dot + 1)]
    : ['prices', rest];
}

/** The value at a dotted key (`budget.monthlyUsd`) of any object. */
export function getAtPath(obj: unknown, key: string): unknown {
  return configKeyParts(key).reduce<unknown>((node, part) => {
    if (node && typeof node === 'object') return (node as Raw)[part];
    return undefined;
  }, obj);
}

/** The effective value (file merged over defaults) at a dotted key. */
export function getConfigValue(key: string, env: NodeJS.ProcessEnv = process.env): unknown {
  const value = getAtPath(loadConfigStrict(env), key);
  if (value === undefined) {
    throw new KirikaeError('config', `No config key "${key}"`, {
      hint: `Top-level keys: ${Object.keys(configSchema.shape).join(', ')}`,
    });
  }
  return value;
}

/** Parses a command-line value: JSON when it parses (numbers, booleans, arrays), else a string. */
export function parseCliValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Sets one dotted key after validating the whole resulting config; an invalid value is refused
 * with the field path and nothing is written.
 */
export function setConfigValue(
  key: string,
  value: unknown,
  env: NodeJS.ProcessEnv = process.env,
): Config {
  // Read first: a file that is not JSON is reported as such (conf would throw a bare SyntaxError).
  const current = readRaw(env);
  const store = openStore(env);
  const next = structuredClone(current);
  const parts = configKeyParts(key);
  let node: Raw = next;
  for (const part of parts.slice(0, -1)) {
    const child = node[part];
    if (!child || typeof child !== 'object') node[part] = {};
    node = node[part] as Raw;
  }
  node[parts[parts.length - 1]!] = value;
  const parsed = configSchema.safeParse(next);
  if (!parsed.success) {
    throw new KirikaeError('config', describeIssues(parsed.error.issues).join('\n'), {
      hint: 'Nothing was written',
    });
  }
  if (getAtPath(parsed.data, key) === undefined) {
    throw new KirikaeError('config', `No config key "${key}"`, {
      hint: `Top-level keys: ${Object.keys(configSchema.shape).join(', ')}`,
    });
  }
  store.store = next;
  return parsed.data;
}

/** Rewrites a whole section (e.g. after the route card's "save this rule"). */
export function updateConfig(
  update: (raw: Raw) => void,
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const next = structuredClone(readRaw(env));
  const store = openStore(env);
  update(next);
  const parsed = configSchema.safeParse(next);
  if (!parsed.success) {
    throw new KirikaeError('config', describeIssues(parsed.error.issues).join('\n'), {
      hint: 'Nothing was written',
    });
  }
  store.store = next;
  return parsed.data;
}
