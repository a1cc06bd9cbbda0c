import { describe, expect, it } from 'vitest';
import { cacheHitRecord, conversationLines } from '../../src/cache/index.js';
import { configSchema, defaultConfig } from '../../src/config/schema.js';
import { encodeRecord } from '../../src/ledger/codec.js';
import { decodeLines } from '../../src/ledger/codec.js';
import { conversationHash } from '../../src/cache/context.js';

describe('what the session hands the cache', () => {
  it('a cache_hit record that the ledger writes and reads back unchanged', () => {
    const record = cacheHitRecord(
      {
        id: 'e1',
        answer: 'A',
        similarity: 0.93,
        model: 'openrouter/deepseek/deepseek-v4-flash',
        tier: 4,
        usd: 0.004,
        ageMs: 7_200_000,
        storedAt: Date.parse('2026-11-30T08:00:00Z'),
        question: 'q',
      },
      {
        session: 's',
        task: 't',
        turn: 3,
        taskType: 'research',
        now: new Date('2026-11-30T10:00:00Z'),
      },
    );
    expect(record).toMatchObject({
      costUsd: 0,
      savedUsd: 0.004,
      originalTs: '2026-11-30T08:00:00.000Z',
    });
    const { line } = encodeRecord(record);
    expect(decodeLines(line)).toEqual({ records: [record], skipped: 0 });
  });

  it('conversation lines tell tool results and calls apart from plain text', () => {
    const plain = conversationLines('sys', [
      { role: 'user', content: 'read a.ts' },
      { role: 'assistant', content: '' },
    ]);
    const withTool = conversationLines('sys', [
      { role: 'user', content: 'read a.ts' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: '1', name: 'read', arguments: {}, rawArguments: '{"path":"a.ts"}' }],
      },
      { role: 'tool', toolCallId: '1', toolName: 'read', content: 'export {}' },
    ]);
    expect(conversationHash(plain)).not.toBe(conversationHash(withTool));
    expect(conversationHash(conversationLines('other system', []))).not.toBe(
      conversationHash(conversationLines('sys', [])),
    );
  });

  it('config: cache.semantic is off by default with the issue defaults', () => {
    expect(defaultConfig().cache).toEqual({
      ttl: '5m',
      semantic: {
        enabled: false,
        threshold: 0.85,
        ttlHours: 24,
        maxEntries: 5000,
        model: 'ollama/nomic-embed-text',
        gatewayClients: {},
      },
    });
  });

  it('config: cache.semantic.redisUrl is optional and must be a redis:// or rediss:// URL', () => {
    const redisUrl = (url: unknown) =>
      configSchema.safeParse({ cache: { semantic: { redisUrl: url } } });
    expect(redisUrl('redis://localhost:6379').success).toBe(true);
    expect(redisUrl('rediss://user:pass@cache.example.com:6380/2').success).toBe(true);
    for (const bad of ['http://localhost:6379', 'localhost:6379', 'redis://', 'redis://a b', 42]) {
      expect(redisUrl(bad).success, String(bad)).toBe(false);
    }
    expect(redisUrl('http://localhost').error?.issues[0]?.message).toMatch(
      /redis:\/\/ or rediss:\/\//,
    );
  });
});
