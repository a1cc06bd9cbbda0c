// A gateway on the same core as the screen (buildCore), pointed at the recorded-sequence stubs,
// with the official SDKs as clients and the ledger read back.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { CallRecord, LedgerRecord } from '../../src/core/records.js';
import { startGateway, type Gateway, type GatewayRequestView } from '../../src/gateway/server.js';
import { ledgerDir, monthOfDate } from '../../src/ledger/index.js';
import type { RouteOverride } from '../../src/router/types.js';
import { buildCore, type Core } from '../../src/wiring/build.js';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';
import type { StubModel } from '../support/ollama-stub.js';
import { gatewayCache } from '../../src/wiring/session-aids.js';

export interface GatewaySetup {
  config?: Record<string, unknown>;
  pinned?: RouteOverride;
  passthrough?: boolean;
  token?: string;
  /** The semantic answer cache, as `kirikae serve` wires it. */
  cache?: boolean;
}

/** Starts the stubs for a test file; returns a function that builds one gateway per test. */
export function gatewayHarness(options: { models?: StubModel[] } = {}) {
  let stubs: AllStubs | undefined;
  const gateways: Gateway[] = [];
  const cores: Core[] = [];
  beforeAll(async () => {
    stubs = await startAllStubs(options.models ? { models: options.models } : {});
  });
  afterAll(async () => {
    await stubs?.close();
  });
  afterEach(async () => {
    for (const gateway of gateways.splice(0)) await gateway.close();
    for (const core of cores.splice(0)) core.close();
    if (!stubs) return;
    stubs.anthropic.steps.length = 0;
    stubs.anthropic.requests.length = 0;
    stubs.openai.steps.length = 0;
    stubs.openai.requests.length = 0;
  });
  const getStubs = (): AllStubs => {
    if (!stubs) throw new Error('the stubs are not started');
    return stubs;
  };

  /** A core as `kirikae serve` builds it, on the stubs, with its own config and data folders. */
  async function makeCore(setup: GatewaySetup = {}) {
    const s = getStubs();
    const root = mkdtempSync(join(tmpdir(), 'kirikae-gw-'));
    const configDir = join(root, 'config');
    mkdirSync(configDir);
    writeFileSync(join(configDir, 'config.json'), JSON.stringify(setup.config ?? {}));
    const env = { ...s.env, KIRIKAE_DATA_DIR: join(root, 'data'), KIRIKAE_CONFIG_DIR: configDir };
    const core = buildCore({
      env,
      cwd: root,
      writeLedger: true,
      sessionId: 'gateway',
      notice: () => {},
    });
    await core.local.ready(5_000);
    cores.push(core);
    const calls = (): CallRecord[] => {
      const file = join(ledgerDir(env), `${monthOfDate(new Date())}.jsonl`);
      return readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as LedgerRecord)
        .filter((r): r is CallRecord => r.type === 'call');
    };
    return { core, calls, root, env };
  }

  async function makeGateway(setup: GatewaySetup = {}) {
    const { core, calls, root } = await makeCore(setup);
    const views: GatewayRequestView[] = [];
    // The cache's notices, as `kirikae serve` writes them to stderr.
    const notices: string[] = [];
    const cache = setup.cache ? gatewayCache(core, (text) => notices.push(text)) : undefined;
    const gateway = await startGateway(
      {
        config: () => core.config.get(),
        routing: core.routing,
        runner: core.runner,
        passthrough: setup.passthrough === true,
        ...(setup.pinned ? { pinned: () => setup.pinned } : {}),
        ...(setup.token ? { token: setup.token } : {}),
        ...(cache ? { cache } : {}),
        onRequest: (view) => views.push(view),
      },
      { host: '127.0.0.1', port: 0 },
    );
    gateways.push(gateway);
    const apiKey = setup.token ?? 'dummy';
    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey, maxRetries: 0 });
    const openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });
    return { gateway, core, calls, views, anthropic, openai, root, notices };
  }

  return { stubs: getStubs, makeCore, makeGateway };
}
