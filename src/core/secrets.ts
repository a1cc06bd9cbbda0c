/**
 * kirikae's secrets: the environment variables that hold API keys and tokens, kept out of the
 * processes the model starts (its `env` must not hand a key to the model) and out of every
 * string kirikae writes (transcripts, ledger, errors echoed back by servers).
 */

/** The keys kirikae itself reads (DESIGN.md "Environment conventions"), whatever their shape. */
export const KIRIKAE_KEY_VARS = [
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'OPENAI_API_KEY',
  'OPENROUTER_API_KEY',
  'DEEPSEEK_API_KEY',
  'OLLAMA_API_KEY',
] as const;

/**
 * Names that hold a credential by convention: `*_API_KEY` and any `*_KEY` (SENDGRID_KEY),
 * `*_TOKEN`, `*_SECRET`, `*PASSWORD` (PGPASSWORD), `*_PWD` (MYSQL_PWD; not PWD or OLDPWD),
 * `*_PASSPHRASE`, `*_PAT` (GH_PAT), `*_AUTH` (NPM_CONFIG__AUTH), `*_CREDENTIALS`.
 */
const SECRET_NAME = /(?:_KEY|_TOKEN|_SECRET|PASSWORD|_PASSPHRASE|_PWD|_PAT|_AUTH|_CREDENTIALS?)$/i;

/** A URL with a password in it (`DATABASE_URL=postgres://app:hunter2@db/app`), whatever its name. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i;

export function isSecretEnvName(name: string): boolean {
  return (KIRIKAE_KEY_VARS as readonly string[]).includes(name) || SECRET_NAME.test(name);
}

/** A variable that holds a credential by its name or, for a URL with a password, its value. */
export function isSecretEnv(name: string, value: string): boolean {
  return isSecretEnvName(name) || URL_WITH_PASSWORD.test(value);
}

/**
 * The environment a tool's process gets: everything but secrets, except the names the user
 * allowed (config agent.envAllow, e.g. `GITHUB_TOKEN` for `gh`). Names are compared exactly;
 * `*` at the end of an allow entry matches a prefix.
 */
export function toolEnvironment(
  env: NodeJS.ProcessEnv,
  allow: readonly string[] = [],
): Record<string, string> {
  const allowed = (name: string): boolean =>
    allow.some((entry) =>
      entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : entry === name,
    );
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (isSecretEnv(name, value) && !allowed(name)) continue;
    out[name] = value;
  }
  return out;
}

/** Values shorter than this are not redacted: `1` or `true` would blank out half a file. */
const MIN_SECRET_LENGTH = 8;

/**
 * Key-shaped strings whatever variable they came from: a key pasted into a prompt, or
 * printed by `cat ~/.config/…`. Prefixes as the vendors issue them (Anthropic `sk-ant-`,
 * OpenAI `sk-` / `sk-proj-`, OpenRouter `sk-or-v1-`, GitHub `ghp_`/`gho_`/`ghs_`/`github_pat_`).
 */
const KEY_SHAPES = [
  /\bsk-ant-[A-Za-z0-9_-]{20,}/g,
  /\bsk-or-v1-[A-Za-z0-9]{20,}/g,
  /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{32,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{30,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{40,}/g,
];

export interface Redactor {
  (text: string): string;
}

/**
 * A redactor for the secrets in `env`: every value of a secret variable (longest first, so
 * a key that contains another is replaced whole) becomes `[redacted NAME]`, and key-shaped
 * strings become `[redacted key]`.
 */
export function createRedactor(env: NodeJS.ProcessEnv): Redactor {
  const known = Object.entries(env)
    .filter(
      (entry): entry is [string, string] =>
        typeof entry[1] === 'string' &&
        isSecretEnv(entry[0], entry[1]) &&
        entry[1].trim().length >= MIN_SECRET_LENGTH,
    )
    .map(([name, value]) => ({ name, value: value.trim() }))
    .sort((a, b) => b.value.length - a.value.length);
  return (text) => {
    let out = text;
    for (const { name, value } of known) {
      if (out.includes(value)) out = out.split(value).join(`[redacted ${name}]`);
    }
    for (const shape of KEY_SHAPES) out = out.replace(shape, '[redacted key]');
    return out;
  };
}

let cached: { env: NodeJS.ProcessEnv; snapshot: string; redact: Redactor } | undefined;

/** Redacts with the secrets of the process environment (rebuilt when it changes). */
export function redact(text: string, env: NodeJS.ProcessEnv = process.env): string {
  const snapshot = Object.keys(env)
    .filter((name) => isSecretEnv(name, env[name] ?? ''))
    .map((name) => `${name}=${env[name]?.length ?? 0}:${env[name]?.slice(-4) ?? ''}`)
    .join('\n');
  if (!cached || cached.env !== env || cached.snapshot !== snapshot) {
    cached = { env, snapshot, redact: createRedactor(env) };
  }
  return cached.redact(text);
}
