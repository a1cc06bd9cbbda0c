// The semantic cache behind `kirikae serve`: a tool-free question asked again in the same
// conversation is answered from the cache in the client's own format (streamed or not), booked
// as a $0 cache_hit; a request that offers tools is never looked up; a client can be switched off.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestLine } from '../../src/commands/serve.js';
import type { LedgerRecord } from '../../src/core/records.js';
import { ledgerDir, monthOfDate } from '../../src/ledger/index.js';
import { QWEN3_CODER } from '../support/all-stubs.js';
import { gatewayHarness } from './harness.js';
import { gatewayQuestion, lookupCached } from '../../src/gateway/semantic.js';
import type { GatewayRequest } from '../../src/gateway/request.js';
import { answered, question, testCache } from '../cache/support.js';

const harness = gatewayHarness({
  models: [
    QWEN3_CODER,
    { name: 'nomic-embed-text:latest', size: 274_000_000, contextLength: 2048 },
  ],
});

const MODEL = 'anthropic/claude-sonnet-5-5';
const ask = {
  model: MODEL,
  max_tokens: 200,
  messages: [{ role: 'user' as const, content: 'What is the CAP theorem?' }],
};

function ledger(root: string): LedgerRecord[] {
  const file = join(
    ledgerDir({ KIRIKAE_DATA_DIR: join(root, 'data') }),
    `${monthOfDate(new Date())}.jsonl`,
  );
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LedgerRecord);
}

async function settle(ms = 300) {
  await new Promise((r) => setTimeout(r, ms));
}

describe('gateway semantic cache', () => {
  it('answers a repeated tool-free question from the cache, streamed and not, for $0', async () => {
    const { anthropic, root, views } = await harness.makeGateway({
      cache: true,
      passthrough: true,
      config: { cache: { semantic: { enabled: true } } },
    });
    harness.stubs().anthropic.steps.push({
      text: ['Consistency, availability, partition tolerance: pick two.'],
    });
    const first = await anthropic.messages.create(ask);
    expect(first.content[0]).toMatchObject({
      text: 'Consistency, availability, partition tolerance: pick two.',
    });
    await settle(); // stored after the answer went out
    const sent = harness.stubs().anthropic.requests.length;

    const again = await anthropic.messages.create(ask).withResponse();
    expect(again.response.headers.get('x-kirikae-cache')).toMatch(/^hit; similarity=1\.00$/);
    // The console line says no call was made, not a paid call without tokens.
    expect(requestLine(views.at(-1)!)).toMatch(
      /→ anthropic\/\S+ {2}cached answer \(similarity 1\.00\) {2}\$0, saved \$/,
    );
    expect(again.data.content[0]).toMatchObject({
      text: 'Consistency, availability, partition tolerance: pick two.',
    });

    const stream = anthropic.messages.stream(ask);
    const streamed = await stream.finalMessage();
    expect(streamed.content[0]).toMatchObject({
      type: 'text',
      text: 'Consistency, availability, partition tolerance: pick two.',
    });
    expect(harness.stubs().anthropic.requests.length).toBe(sent);

    const hits = ledger(root).filter((r) => r.type === 'cache_hit');
    const paid = ledger(root).find((r) => r.type === 'call');
    expect(hits).toHaveLength(2);
    expect(hits[0]).toMatchObject({
      costUsd: 0,
      savedUsd: paid && paid.type === 'call' ? paid.costUsd : -1,
    });
  });

  it('never looks up a request that offers tools', async () => {
    const { anthropic } = await harness.makeGateway({
      cache: true,
      passthrough: true,
      config: { cache: { semantic: { enabled: true } } },
    });
    const embeds = () =>
      harness.stubs().ollama.requests.filter((r) => r.path === '/api/embed').length;
    const before = embeds();
    harness.stubs().anthropic.steps.push({ text: ['two'] });
    await anthropic.messages.create({
      ...ask,
      tools: [
        {
          name: 'read',
          description: 'read a file',
          input_schema: { type: 'object', properties: {} },
        },
      ],
    });
    await settle();
    expect(embeds()).toBe(before);
  });

  it('a client switched off in cache.semantic.gatewayClients is never looked up', async () => {
    const { anthropic } = await harness.makeGateway({
      cache: true,
      passthrough: true,
      config: {
        cache: { semantic: { enabled: true, gatewayClients: { 'anthropic-sdk': false } } },
      },
    });
    const embeds = () =>
      harness.stubs().ollama.requests.filter((r) => r.path === '/api/embed').length;
    const before = embeds();
    harness.stubs().anthropic.steps.push({ text: ['one'] });
    await anthropic.messages.create(ask);
    await settle();
    expect(embeds()).toBe(before);
  });
});

describe('gateway cache kit', () => {
  it('without embeddings every request is a miss, and the reason is told once', async () => {
    const { cache, failEmbedWith } = testCache();
    await cache.remember(question('What is the CAP theorem?'), answered('Pick two.'));
    // The error src/local/embed.ts gives when the model is not pulled (Ollama's 404).
    failEmbedWith(new Error('model "nomic-embed-text" not found, try pulling it first'));
    const told: string[] = [];
    const kit = {
      cache,
      enabled: () => true,
      append: () => {},
      notify: (t: string) => told.push(t),
    };
    const q = gatewayQuestion(
      {
        format: 'anthropic',
        model: MODEL,
        stream: false,
        messages: [{ role: 'user', content: 'What does the CAP theorem say?' }],
      } as GatewayRequest,
      2,
    )!;
    expect(await lookupCached(kit, q)).toMatchObject({ miss: { kind: 'unavailable' } });
    expect(await lookupCached(kit, q)).toMatchObject({ miss: { kind: 'unavailable' } });
    expect(told).toEqual([
      'semantic cache off for now: model "nomic-embed-text" not found, try pulling it first',
    ]);
  });
});
