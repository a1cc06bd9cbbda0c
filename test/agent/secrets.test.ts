/**
 * Issue 11 item 7: after a model ran `env`, a provider key was in sessions/*.jsonl. Keys are
 * kept out of tool environments (process-robust.test.ts) and out of every transcript line.
 */
import { mkdirSync, readFileSync, statSync, chmodSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSessionWriter, sessionsDir } from '../../src/agent/sessions.js';
import {
  createRedactor,
  isSecretEnvName,
  redact,
  toolEnvironment,
} from '../../src/core/secrets.js';
import { tempDir } from './helpers.js';

const ANTHROPIC = 'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEf';
const OPENROUTER = 'sk-or-v1-0123456789abcdef0123456789abcdef';

describe('secrets', () => {
  it('knows kirikae’s keys and conventional credential names', () => {
    for (const name of [
      'ANTHROPIC_API_KEY',
      'OPENROUTER_API_KEY',
      'GITHUB_TOKEN',
      'AWS_SECRET_ACCESS_KEY',
      'PGPASSWORD_X_PASSWORD',
      // A review found these reaching commands.
      'PGPASSWORD',
      'MYSQL_PWD',
      'SENDGRID_KEY',
      'GH_PAT',
      'NPM_CONFIG__AUTH',
      'GOOGLE_APPLICATION_CREDENTIALS',
    ]) {
      expect(isSecretEnvName(name), name).toBe(true);
    }
    for (const name of [
      'PATH',
      'HOME',
      'OLLAMA_HOST',
      'ANTHROPIC_BASE_URL',
      'TOKENIZERS_PARALLELISM',
      'PWD',
      'OLDPWD',
      'SSH_AUTH_SOCK',
    ]) {
      expect(isSecretEnvName(name), name).toBe(false);
    }
  });

  it('builds a tool environment without them, keeping what envAllow names', () => {
    const env = {
      PATH: '/bin',
      ANTHROPIC_API_KEY: ANTHROPIC,
      GITHUB_TOKEN: 'ghp_x',
      NPM_TOKEN: 'n',
    };
    expect(toolEnvironment(env)).toEqual({ PATH: '/bin' });
    expect(toolEnvironment(env, ['GITHUB_TOKEN'])).toEqual({ PATH: '/bin', GITHUB_TOKEN: 'ghp_x' });
    expect(toolEnvironment(env, ['NPM_*'])).toEqual({ PATH: '/bin', NPM_TOKEN: 'n' });
    // A URL with a password is a secret whatever its variable is called.
    expect(
      toolEnvironment({
        PATH: '/bin',
        DATABASE_URL: 'postgres://app:hunter2@db.internal:5432/app',
        REDIS_URL: 'redis://cache.internal:6379',
      }),
    ).toEqual({ PATH: '/bin', REDIS_URL: 'redis://cache.internal:6379' });
  });

  it('redacts known values (longest first) and key-shaped strings', () => {
    const r = createRedactor({
      ANTHROPIC_API_KEY: ANTHROPIC,
      SHORT_TOKEN: 'abc',
      PATH: '/usr/bin',
    });
    expect(r(`ANTHROPIC_API_KEY=${ANTHROPIC}\nPATH=/usr/bin`)).toBe(
      'ANTHROPIC_API_KEY=[redacted ANTHROPIC_API_KEY]\nPATH=/usr/bin',
    );
    // Too short to redact without blanking out ordinary text.
    expect(r('abc')).toBe('abc');
    // Not in this environment, but shaped like a key.
    expect(r(`key: ${OPENROUTER}`)).toBe('key: [redacted key]');
    expect(r('sk-learn is a library; sk-1 too')).toBe('sk-learn is a library; sk-1 too');
  });

  it('redact() follows the process environment as it changes', () => {
    const env: NodeJS.ProcessEnv = { MY_SERVICE_TOKEN: 'first-token-value' };
    expect(redact('first-token-value', env)).toBe('[redacted MY_SERVICE_TOKEN]');
    env.MY_SERVICE_TOKEN = 'second-token-value';
    expect(redact('first-token-value second-token-value', env)).toBe(
      'first-token-value [redacted MY_SERVICE_TOKEN]',
    );
  });
});

describe('session files', () => {
  let data: string;
  let cleanup: () => void;
  const saved = process.env.ANTHROPIC_API_KEY;
  beforeEach(() => {
    ({ dir: data, cleanup } = tempDir('kirikae-data-'));
    process.env.ANTHROPIC_API_KEY = ANTHROPIC;
  });
  afterEach(() => {
    cleanup();
    if (saved === undefined) delete process.env.ANTHROPIC_API_KEY;
    else process.env.ANTHROPIC_API_KEY = saved;
  });

  it('never hold a key value, whatever message or event carried it', () => {
    const writer = openSessionWriter({ dataDir: data, folder: data });
    writer.appendMessage({ role: 'user', content: `my key is ${ANTHROPIC}, keep it safe` });
    writer.appendMessage({
      role: 'tool',
      toolCallId: 'c1',
      toolName: 'bash',
      content: `HOME=/root\nANTHROPIC_API_KEY=${ANTHROPIC}\n[exit code 0]`,
    });
    writer.appendEvent({
      type: 'error',
      message: `401 from server: invalid x-api-key ${ANTHROPIC}`,
    });
    const text = readFileSync(writer.path, 'utf8');
    expect(text).not.toContain(ANTHROPIC.slice(10));
    expect(text.match(/\[redacted ANTHROPIC_API_KEY\]/g)).toHaveLength(3);
    // Still one JSON object per line.
    for (const line of text.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('are 0600 in a 0700 folder, also when the folder was made before', () => {
    mkdirSync(sessionsDir(data), { mode: 0o755 });
    chmodSync(sessionsDir(data), 0o755);
    const writer = openSessionWriter({ dataDir: data, folder: data });
    writer.appendMessage({ role: 'user', content: 'hi' });
    expect(statSync(sessionsDir(data)).mode & 0o777).toBe(0o700);
    expect(statSync(writer.path).mode & 0o777).toBe(0o600);
  });
});
