import { z } from 'zod';
import { KirikaeError } from '../core/errors.js';
import { configSchema, PARSE_ONCE, type Config } from './schema.js';
import { describeIssues } from './errors.js';
import { configFile } from './paths.js';
import { applyEnvOverrides } from './env.js';
import { readConfigFile, writeConfigFile } from './file.js';

type Raw = Record<string, unknown>;

export interface LoadedConfig {
  config: Config;
  path: string;
  /** The file could not be read or parsed at all: `config` is the defaults, locked. */
  unreadable?: true;
  /**
   * Problems found in the file, each naming its field. Every field that did validate is kept
   * in `config`; a bad one falls back to its default. The file is never touched.
   */
  problems: string[];
  /**
   * Set when the permission settings (agent.permissionMode, allow, ask, deny, sandbox) did not
   * validate, or the file could not be read at all: the session must then refuse tools that
   * change files or run commands (PermissionGateOptions.locked) and say so at start. A typo
   * must never turn a read-only, deny-everything setup into the default `ask` mode.
   */
  permissionLock?: PermissionLock;
}

export interface PermissionLock {
  reason: string;
  /** The deny list itself was lost: reads are refused too, since what it protected is unknown. */
  reads: boolean;
}

/** The agent fields whose loss would widen what the model may do. */
const PERMISSION_FIELDS = ['permissionMode', 'allow', 'ask', 'deny', 'sandbox'];

function deleteAt(raw: Raw, path: readonly PropertyKey[]): Raw {
  if (path.length === 0) return {};
  let node: unknown = raw;
  for (const part of path.slice(0, -1)) {
    if (!node || typeof node !== 'object') return raw;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  if (node && typeof node === 'object') delete (node as Record<PropertyKey, unknown>)[path.at(-1)!];
  return raw;
}

/**
 * Validates field by field: each field that fails is reported and dropped (so its default
 * applies), and the rest is validated again, until what is left passes. An invalid element
 * drops its whole list (`tiers.3[1]` → tier 3's default), never just the element: a list with
 * a hole is not what the user wrote either.
 */
/** Keys the schema knows at the top level and in `agent`; zod drops the others silently. */
const KNOWN_TOP = Object.keys(configSchema.shape);
const KNOWN_AGENT = Object.keys(configSchema.shape.agent.unwrap().shape);

/**
 * Keys zod would drop without a word, where dropping one can widen permissions:
 * `agent.permisionMode` (a typo), or the whole permission section under a misspelled name.
 */
function unknownPermissionKeys(raw: Raw): { problems: string[]; dropped: string[][] } {
  const problems: string[] = [];
  const dropped: string[][] = [];
  const agent = raw.agent;
  if (agent && typeof agent === 'object' && !Array.isArray(agent)) {
    for (const key of Object.keys(agent).filter((k) => !KNOWN_AGENT.includes(k))) {
      problems.push(`agent.${key}: unknown setting (known: ${KNOWN_AGENT.join(', ')})`);
      dropped.push(['agent', key]);
    }
  }
  for (const key of Object.keys(raw).filter((k) => !KNOWN_TOP.includes(k))) {
    const value = raw[key];
    const looksLikeAgent =
      value &&
      typeof value === 'object' &&
      Object.keys(value).some((k) => PERMISSION_FIELDS.includes(k));
    problems.push(
      `${key}: unknown section${looksLikeAgent ? ' (permission settings belong in "agent")' : ''}`,
    );
    if (looksLikeAgent) dropped.push([key]);
  }
  return { problems, dropped };
}

function salvage(raw: unknown): { config: Config; problems: string[]; dropped: string[][] } {
  let current: Raw =
    raw && typeof raw === 'object' && !Array.isArray(raw) ? structuredClone(raw as Raw) : {};
  const { problems, dropped } = unknownPermissionKeys(current);
  for (let round = 0; round < 50; round++) {
    const parsed = configSchema.safeParse(current, PARSE_ONCE);
    if (parsed.success) return { config: parsed.data, problems, dropped };
    problems.push(...describeIssues(parsed.error.issues));
    for (const issue of parsed.error.issues) {
      const index = issue.path.findIndex((part) => typeof part === 'number');
      const field = index < 0 ? issue.path : issue.path.slice(0, index);
      // `routing.table: { nope: 1, debug: 2 }` loses `nope`, not the table.
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
      for (const key of keys) {
        const path = key === undefined ? field : [...field, key];
        dropped.push(path.map(String));
        current = deleteAt(current, path);
      }
    }
  }
  return { config: configSchema.parse({}, PARSE_ONCE), problems, dropped: [[]] };
}

function lockFor(dropped: readonly string[][]): PermissionLock | undefined {
  const lost = dropped.filter(
    ([section, field]) =>
      section === undefined ||
      !KNOWN_TOP.includes(section) ||
      (section === 'agent' &&
        (field === undefined || PERMISSION_FIELDS.includes(field) || !KNOWN_AGENT.includes(field))),
  );
  if (lost.length === 0) return undefined;
  const names = [...new Set(lost.map((path) => (path.length ? path.join('.') : 'the whole file')))];
  return {
    reason: `${names.join(', ')} did not validate`,
    // The deny list lost, or possibly lost (a whole or misnamed section): reads stop too.
    reads: lost.some(
      ([section, field]) => field === undefined || field === 'deny' || section !== 'agent',
    ),
  };
}

/** The config a lock leaves in force: read-only, whatever the file asked for. */
function locked(config: Config, lock: PermissionLock | undefined): Config {
  if (!lock) return config;
  return { ...config, agent: { ...config.agent, permissionMode: 'read-only' } };
}

function lockProblem(path: string, lock: PermissionLock): string {
  return (
    `${path}: ${lock.reason}; until it is fixed, kirikae refuses to change files or run commands` +
    (lock.reads ? ' and to read files' : '')
  );
}

function readRaw(env: NodeJS.ProcessEnv): Raw {
  // The file holds only what the user set (never the defaults), so new defaults reach old installs.
  const path = configFile(env);
  try {
    return readConfigFile(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const what =
      error instanceof SyntaxError
        ? 'is not valid JSON'
        : error instanceof TypeError
          ? 'is not a JSON object'
          : 'cannot be read';
    throw new KirikaeError('config', `Config file ${path} ${what} (${reason})`, {
      hint: 'Fix the file by hand or move it away; kirikae leaves it untouched',
    });
  }
}

/**
 * Loads and validates the config. A file that fails validation is reported (field path and
 * reason) and never rewritten; every field that validated is kept, a bad one takes its
 * default, and a bad permission setting fails closed (`permissionLock`).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const path = configFile(env);
  let raw: Raw;
  try {
    raw = readRaw(env);
  } catch (error) {
    const message = error instanceof KirikaeError ? error.describe() : String(error);
    const lock: PermissionLock = { reason: 'the config file could not be read', reads: true };
    return {
      config: locked(applyEnvOverrides(configSchema.parse({}, PARSE_ONCE), env), lock),
      path,
      problems: [message, lockProblem(path, lock)],
      permissionLock: lock,
      unreadable: true,
    };
  }
  const { config, problems, dropped } = salvage(raw);
  const lock = lockFor(dropped);
  return {
    config: locked(applyEnvOverrides(config, env), lock),
    path,
    problems: [
      ...problems.map((line) => `${path}: ${line}`),
      ...(lock ? [lockProblem(path, lock)] : []),
    ],
    ...(lock ? { permissionLock: lock } : {}),
  };
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

/** The schema of the field at `parts`, through defaults and optionals; undefined when none. */
function fieldSchema(parts: readonly string[]): unknown {
  let node: unknown = configSchema;
  for (const part of parts) {
    node = unwrapped(node);
    // Objects only: a record's keys are whatever the user names (`ui.keymap.submitt`), and a
    // key absent from one is not "not set" but unknown.
    if (node instanceof z.ZodObject) node = (node.shape as Record<string, unknown>)[part];
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

function unwrapped(node: unknown): unknown {
  let at = node as { _zod?: { def?: { innerType?: unknown } } } | undefined;
  while (at?._zod?.def?.innerType) at = at._zod.def.innerType as typeof at;
  return at;
}

/** The effective value (file merged over defaults) at a dotted key. */
export function getConfigValue(key: string, env: NodeJS.ProcessEnv = process.env): unknown {
  const value = getAtPath(loadConfigStrict(env), key);
  if (value === undefined && fieldSchema(configKeyParts(key)) !== undefined) {
    // A key the schema has, with no default: unset, not unknown.
    throw new KirikaeError('not_found', `${key} is not set`, {
      hint: `kirikae config set ${key} <value> sets it`,
    });
  }
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
  const next = structuredClone(readRaw(env));
  const parts = configKeyParts(key);
  let node: Raw = next;
  for (const part of parts.slice(0, -1)) {
    const child = node[part];
    if (!child || typeof child !== 'object') node[part] = {};
    node = node[part] as Raw;
  }
  node[parts[parts.length - 1]!] = value;
  const parsed = configSchema.safeParse(next, PARSE_ONCE);
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
  writeRaw(env, next);
  return parsed.data;
}

/** Rewrites a whole section (e.g. after the route card's "save this rule"). */
export function updateConfig(
  update: (raw: Raw) => void,
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const next = structuredClone(readRaw(env));
  update(next);
  const parsed = configSchema.safeParse(next, PARSE_ONCE);
  if (!parsed.success) {
    throw new KirikaeError('config', describeIssues(parsed.error.issues).join('\n'), {
      hint: 'Nothing was written',
    });
  }
  writeRaw(env, next);
  return parsed.data;
}

/** Writes the file, reporting a failure with the config file's name (not its temporary one). */
function writeRaw(env: NodeJS.ProcessEnv, next: Raw): void {
  const path = configFile(env);
  try {
    writeConfigFile(path, next);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new KirikaeError('config', `Config file ${path} could not be written (${reason})`, {
      hint: 'Nothing was changed; check the folder and the file are writable',
    });
  }
}
