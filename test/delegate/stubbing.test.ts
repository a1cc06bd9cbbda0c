// Stubbing acted-on executor results, priced both ways on Opus 4.6's price curve: the cache
// write of the changed prefix against the re-reads saved. A planner conversation is simulated
// message by message; each request is priced as a prompt cache sees it (the longest unchanged
// prefix of the previous request is read, the rest written), with and without stubActedOn.
import { describe, expect, it } from 'vitest';
import { priceCurve, ratesFor } from '../../src/catalog/price-curve.js';
import type { Message } from '../../src/core/message.js';
import { parseModelRef } from '../../src/core/model-ref.js';
import {
  STUB_SUFFIX,
  carriedIn,
  stubActedOn,
  stubTradeoff,
  type StubRule,
} from '../../src/delegate/carry.js';

const LATE: StubRule = { afterReplies: 2, keepNewest: true };
const EARLY: StubRule = { afterReplies: 2, keepNewest: false };
const count = (text: string): number => Math.ceil(text.length / 4);
const filler = (tokens: number): string => 'word '.repeat(Math.max(0, tokens * 4 - 60) / 5);
/** System prompt and tool definitions: the same at the head of every request. */
const HEAD = 3_000;

interface Scenario {
  name: string;
  delegations: number;
  /** Planner calls between one delegation and the next (each reads a file of `read` tokens). */
  between: number;
  result: number;
  read: number;
  /** The executor outlived the cache TTL: the call after each result finds the cache empty. */
  cold: boolean;
}

function requests(s: Scenario): Message[][] {
  const out: Message[][] = [];
  const history: Message[] = [{ role: 'user', content: 'fix the failing tests' }];
  let id = 0;
  const call = () => out.push([...history]);
  for (let d = 1; d <= s.delegations; d++) {
    call();
    const cid = `d${++id}`;
    history.push({
      role: 'assistant',
      content: '',
      toolCalls: [{ id: cid, name: 'delegate', arguments: {}, rawArguments: '{}' }],
    });
    history.push({
      role: 'tool',
      toolCallId: cid,
      toolName: 'delegate',
      content: `executor ollama/qwen3-coder:30b: done after 6 steps · 2 files +14 −3 · check passed\n${filler(s.result)}`,
    });
    for (let j = 0; j < s.between; j++) {
      call();
      const rid = `r${++id}`;
      history.push({
        role: 'assistant',
        content: 'Checking.',
        toolCalls: [{ id: rid, name: 'read_file', arguments: {}, rawArguments: '{}' }],
      });
      history.push({
        role: 'tool',
        toolCallId: rid,
        toolName: 'read_file',
        content: filler(s.read),
      });
    }
  }
  call();
  return out;
}

const tokensOf = (m: Message): number => count(m.content) + 10;
const same = (a: Message, b: Message): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Each request priced as the prompt cache sees it; returns USD and the stub events. */
function price(
  s: Scenario,
  stub: StubRule | undefined,
  rates: { cacheRead: number; cacheWrite: number },
) {
  let usd = 0;
  let prev: Message[] | undefined;
  let predicted = 0;
  let carried = 0;
  const all = requests(s);
  const isCold = (raw: Message[]): boolean =>
    s.cold &&
    raw.at(-1)?.role === 'tool' &&
    (raw.at(-1) as { toolName: string }).toolName === 'delegate';
  all.forEach((raw, index) => {
    const msgs = stub ? stubActedOn(raw, stub) : raw;
    const coldCall = isCold(raw);
    let common = 0;
    if (prev && !coldCall)
      while (common < Math.min(prev.length, msgs.length) && same(prev[common]!, msgs[common]!))
        common++;
    const total = HEAD + msgs.reduce((t, m) => t + tokensOf(m), 0);
    const read =
      prev && !coldCall ? HEAD + msgs.slice(0, common).reduce((t, m) => t + tokensOf(m), 0) : 0;
    usd += read * rates.cacheRead + (total - read) * rates.cacheWrite;
    carried += carriedIn(msgs, new Set(), count).tokens;
    const before = prev;
    prev = msgs;
    if (!stub || !before) return;
    // Stubs that appear first in this request: what each costs and saves, predicted.
    msgs.forEach((m, i) => {
      if (m.role !== 'tool' || !m.content.endsWith(STUB_SUFFIX)) return;
      const was = before[i];
      if (!was || was.role !== 'tool' || was.content.endsWith(STUB_SUFFIX)) return;
      const later = all.slice(index);
      const t = stubTradeoff({
        saved: tokensOf(raw[i]!) - tokensOf(m),
        suffix: msgs.slice(i, before.length).reduce((sum, x) => sum + tokensOf(x), 0),
        warmCalls: later.filter((r) => !isCold(r)).length,
        coldCalls: later.filter(isCold).length,
        rates,
        cold: coldCall,
      });
      predicted += t.savedUsd - t.rewriteUsd;
    });
  });
  return { usd, predicted, carried, calls: all.length };
}

describe('stubbing acted-on executor results', () => {
  const curve = priceCurve(parseModelRef('anthropic/claude-opus-4-6'));
  const rates = ratesFor(curve, 10_000)!;

  it('stubs a result once the planner replied after reading it, once for all', () => {
    const history = requests({
      name: '',
      delegations: 2,
      between: 2,
      result: 400,
      read: 100,
      cold: false,
    }).at(-1)!;
    const results = (messages: Message[]) =>
      messages.filter((m) => m.role === 'tool' && m.toolName === 'delegate').map((m) => m.content);
    const late = stubActedOn(history, LATE);
    expect(results(late)[0]).toBe(
      `executor ollama/qwen3-coder:30b: done after 6 steps · 2 files +14 −3 · check passed${STUB_SUFFIX}`,
    );
    expect(results(late)[1]).not.toContain(STUB_SUFFIX);
    // The default rule stubs the newest too, once two replies followed it.
    expect(results(stubActedOn(history)).every((c) => c.endsWith(STUB_SUFFIX))).toBe(true);
    expect(results(stubActedOn(history.slice(0, -2)))[1]).not.toContain(STUB_SUFFIX);
    // Stubbing again changes nothing: the prefix changes once per result.
    expect(stubActedOn(late, LATE)).toEqual(late);
  });

  it('prices both ways; the trade-off predicts the measured difference', () => {
    const scenarios: Scenario[] = [
      {
        name: 'short (2 delegations, 2 calls each)',
        delegations: 2,
        between: 2,
        result: 400,
        read: 300,
        cold: false,
      },
      {
        name: 'study-like (6 × 4)',
        delegations: 6,
        between: 4,
        result: 400,
        read: 600,
        cold: false,
      },
      { name: 'long (10 × 10)', delegations: 10, between: 10, result: 400, read: 300, cold: false },
      {
        name: 'study-like, slow executor (cold cache)',
        delegations: 6,
        between: 4,
        result: 400,
        read: 600,
        cold: true,
      },
    ];
    const rows = scenarios
      .flatMap((s) => (['late', 'early'] as const).map((rule) => ({ s, rule })))
      .map(({ s, rule }) => {
        const full = price(s, undefined, rates);
        const stubbed = price(s, rule === 'late' ? LATE : EARLY, rates);
        return {
          name: `${s.name}, ${rule === 'late' ? 'keep the newest' : 'stub the newest too'}`,
          rule,
          cold: s.cold,
          calls: full.calls,
          fullUsd: full.usd,
          stubbedUsd: stubbed.usd,
          measured: full.usd - stubbed.usd,
          predicted: stubbed.predicted,
          carriedFull: full.carried,
          carriedStubbed: stubbed.carried,
        };
      });
    // The figures for the report (docs/delegation.md quotes them).
    console.log(
      rows
        .map(
          (r) =>
            `${r.name}: ${r.calls} planner calls; keep $${r.fullUsd.toFixed(4)} vs stub $${r.stubbedUsd.toFixed(4)} (saves $${r.measured.toFixed(4)}; predicted $${r.predicted.toFixed(4)}); carried ${r.carriedFull} → ${r.carriedStubbed} tokens`,
        )
        .join('\n'),
    );
    for (const r of rows) {
      // Stubbing always carries fewer result tokens…
      expect(r.carriedStubbed).toBeLessThan(r.carriedFull);
      // …and the per-stub trade-off adds up to what the simulation measured.
      expect(r.predicted).toBeCloseTo(r.measured, 6);
    }
    // Neither rule always wins. Stubbing late (only once a newer result arrives) rewrites long
    // suffixes: it loses whenever the cache is warm, and wins when a slow executor let the
    // cache expire. Stubbing early (two replies after) rewrites little: it wins on a long task,
    // and still loses on short ones, where few calls are left to save re-reads.
    const measured = (name: string) => rows.find((r) => r.name.startsWith(name))!.measured;
    expect(measured('study-like (6 × 4), keep the newest')).toBeLessThan(0);
    expect(measured('study-like (6 × 4), stub the newest too')).toBeLessThan(0);
    expect(measured('long (10 × 10), keep the newest')).toBeLessThan(0);
    expect(measured('long (10 × 10), stub the newest too')).toBeGreaterThan(0);
    expect(measured('study-like, slow executor (cold cache), keep')).toBeGreaterThan(0);
  });
});
