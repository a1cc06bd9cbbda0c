// The screen's session on the real wiring (buildCore + buildSession) against the stub servers,
// each with its own config and data folders: what the session tests share.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Session } from '../../src/session/session.js';
import type { AppState } from '../../src/session/types.js';
import { buildCore, buildSession, type Core, type SessionOptions } from '../../src/wiring/build.js';
import { afterAll, beforeAll } from 'vitest';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';
import type { StubModel } from '../support/ollama-stub.js';

export interface KitSession {
  session: Session;
  core: Core;
  root: string;
  cwd: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  close(): void;
}

export interface KitOptions {
  config?: Record<string, unknown>;
  session?: Omit<SessionOptions, 'sessionId'>;
  core?: { waitOnRateLimits?: boolean; writeLedger?: boolean };
  /** Wait for Ollama's first inventory before the session exists (default true). */
  ready?: boolean;
  /** Variables left out of the stubs' environment (a missing API key). */
  without?: readonly string[];
}

export async function startSession(stubs: AllStubs, options: KitOptions = {}): Promise<KitSession> {
  const root = mkdtempSync(join(tmpdir(), 'kirikae-session-'));
  const cwd = join(root, 'project');
  const dataDir = join(root, 'data');
  const configDir = join(root, 'config');
  mkdirSync(cwd);
  mkdirSync(configDir);
  writeFileSync(join(configDir, 'config.json'), JSON.stringify(options.config ?? {}));
  const env: NodeJS.ProcessEnv = {
    ...stubs.env,
    KIRIKAE_DATA_DIR: dataDir,
    KIRIKAE_CONFIG_DIR: configDir,
  };
  for (const name of options.without ?? []) delete env[name];
  const core = buildCore({
    env,
    cwd,
    writeLedger: options.core?.writeLedger ?? true,
    sessionId: 's1',
    notice: () => {},
    ...(options.core?.waitOnRateLimits ? { waitOnRateLimits: true } : {}),
  });
  if (options.ready !== false) await core.local.ready(5_000);
  const session = buildSession(core, { sessionId: 's1', ...options.session });
  return {
    session,
    core,
    root,
    cwd,
    dataDir,
    env,
    close() {
      session.stop();
      core.close();
    },
  };
}

/**
 * A file's stub servers (started once) and the sessions its tests open on them, all closed after
 * the file: `const suite = sessionSuite([QWEN3_CODER]); const kit = await suite.start(options)`.
 */
export function sessionSuite(models: readonly StubModel[]): {
  start(options?: KitOptions): Promise<KitSession>;
} {
  let stubs: AllStubs | undefined;
  const open: KitSession[] = [];
  beforeAll(async () => {
    stubs = await startAllStubs({ models: [...models] });
  });
  afterAll(async () => {
    for (const kit of open.splice(0)) kit.close();
    await stubs?.close();
  });
  return {
    async start(options) {
      if (!stubs) throw new Error('sessionSuite: start() runs inside a test');
      const kit = await startSession(stubs, options);
      open.push(kit);
      return kit;
    },
  };
}

/** A local budget that fits the stub's models, with the model classifier off. */
export const LOCAL_NO_CLASSIFIER = {
  config: { routing: { modelClassifier: 'off' }, local: { memoryBudgetGb: 64, reserveGb: 0 } },
};

/** Polls the session's state until `ok` holds; the error shows the last transcript items. */
export async function until(
  session: Session,
  ok: (state: AppState) => boolean,
  timeoutMs = 8_000,
): Promise<AppState> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (ok(session.getState())) return session.getState();
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(
    `not reached; proposal ${JSON.stringify(session.getState().proposal ?? null)}; transcript ${JSON.stringify(session.getState().transcript.slice(-4), null, 1)}`,
  );
}
