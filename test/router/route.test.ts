import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/index.js';
import type { Message } from '../../src/core/message.js';
import type { VerifyRecord } from '../../src/core/records.js';
import { EMPTY_COOLDOWN, recordFailure } from '../../src/router/cooldown.js';
import { route as routeWith, toCallEstimate } from '../../src/router/route.js';
import { classifyRules } from '../../src/router/rules.js';
import { countRequest, TokenCounter } from '../../src/router/tokens.js';
import { RouterSession } from '../../src/router/session.js';
import { removeRule, ruleFromOverride, upsertRule } from '../../src/router/table.js';
import type {
  RouteContext,
  RouteDecision,
  RouteInput,
  RouteOption,
} from '../../src/router/types.js';
import { defaultConfig } from '../../src/config/schema.js';
import { seedRoutingConfig as seedConfig } from '../fixtures/seed-config.js';
import { allLocal, conversation, ctx, NOW, SYSTEM, TOOLS } from './helpers.js';

/**
 * These tests check routing mechanics (prices, caches, overrides, constraints, budget), not the
 * classifier: each prompt is classified by the hand rules it was written against, and the
 * config carries the flat table (the trained classifier is tested in classify.test.ts).
 */
function route(input: RouteInput, c: RouteContext): RouteDecision {
  // The rules see the conversation's length as the router counts it (long-context).
  const conversationTokens = countRequest(new TokenCounter(), {
    system: input.system,
    tools: input.tools,
    messages: input.messages ?? [],
    prompt: input.prompt,
  }).total;
  return routeWith(
    {
      classification: classifyRules(
        input.prompt,
        { conversationTokens, ...input.facts },
        { longContextThreshold: c.config.routing.longContextThreshold },
      ),
      ...input,
    },
    c,
  );
}

const option = (d: RouteDecision, model: string): RouteOption | undefined =>
  [d.chosen, ...d.alternatives].find((o) => o.model === model);

function withConfig(mutate: (c: Config) => void): Config {
  const config = seedConfig();
  mutate(config);
  return config;
}

describe('route: the decision', () => {
  it('has the fields the route card needs, with the same figures for alternatives', () => {
    const d = route(
      { prompt: 'Implement a --json flag for the sessions command', system: SYSTEM, tools: TOOLS },
      ctx(),
    );
    expect(d.taskType).toBe('implement');
    expect(d.chosen).toMatchObject({
      model: 'anthropic/claude-sonnet-4-6',
      tier: 1,
      available: true,
      coldCache: true,
    });
    for (const o of [d.chosen, ...d.alternatives]) {
      expect(Object.keys(o.estimate)).toEqual(
        expect.arrayContaining([
          'inputTokens',
          'cacheReadTokens',
          'cacheWriteTokens',
          'outputTokens',
          'usdP50',
          'usdP90',
          'expectedUsdPerTask',
          'pSuccess',
          'seconds',
        ]),
      );
    }
    const available = d.alternatives.filter((a) => a.available);
    expect(available.length).toBeGreaterThanOrEqual(2);
    expect(available.length).toBeLessThanOrEqual(3);
    expect(d.reasons[1]).toBe('routing table: implement → tier 1 (standard)');
    expect(d.chosen.estimate.usdP90!).toBeGreaterThan(d.chosen.estimate.usdP50!);
    expect(d.chosen.estimate.expectedUsdPerTask!).toBeGreaterThan(d.chosen.estimate.usdP50!);
  });

  it('never sends architecture to a local model, even though it is the cheapest per token', () => {
    const d = route(
      { prompt: 'Design the architecture of the sync engine', system: SYSTEM },
      ctx(),
    );
    expect(d.chosen.tier).toBe(0);
    const local = option(d, 'ollama/qwen3-coder:30b');
    expect(local?.estimate.usdP50).toBeLessThan(d.chosen.estimate.usdP50!);
    expect(local?.estimate.pSuccess).toBeLessThan(0.3);
  });

  it('lists unavailable routes with why', () => {
    const d = route(
      { prompt: 'review my changes' },
      ctx({
        local: undefined,
        localUnavailableReason: 'Ollama not reachable at http://127.0.0.1:9',
      }),
    );
    expect(d.chosen.tier).not.toBe(3);
    const local = d.alternatives.find((a) => a.model === 'ollama/qwen3-coder:30b');
    expect(local).toMatchObject({
      available: false,
      unavailableReason: 'Ollama not reachable at http://127.0.0.1:9',
    });
    expect(d.reasons).toContain('no available route in tier 3 (local); nearest available tier');
  });
});

describe('route: prompt cache and model switches', () => {
  it('a warm model reads its prefix from cache; switching starts cold and says so', () => {
    const session = new RouterSession();
    const history = conversation(30_000);
    session.noteSent(
      'anthropic/claude-sonnet-4-6',
      { system: SYSTEM, tools: TOOLS, messages: history },
      NOW - 60_000,
    );
    const next: Message[] = [
      ...history,
      { role: 'assistant', content: 'Done: the flag is wired.' },
    ];
    const c = ctx({ session });
    const d = route(
      { prompt: 'add a test for it', system: SYSTEM, tools: TOOLS, messages: next },
      c,
    );
    const sonnet = option(d, 'anthropic/claude-sonnet-4-6')!;
    expect(sonnet.coldCache).toBe(false);
    expect(sonnet.estimate.cacheReadTokens).toBeGreaterThan(30_000);
    expect(sonnet.estimate.cacheWriteTokens).toBeLessThan(200);

    // Forced onto Haiku for this turn: every input token is a cache write at 1.25×.
    const forced = route(
      {
        prompt: 'add a test for it',
        system: SYSTEM,
        tools: TOOLS,
        messages: next,
        override: { model: 'anthropic/claude-haiku-4-5' },
      },
      c,
    );
    expect(forced.chosen.model).toBe('anthropic/claude-haiku-4-5');
    expect(forced.chosen.coldCache).toBe(true);
    const e = forced.chosen.estimate;
    expect(e.cacheWriteTokens).toBe(e.inputTokens);
    expect(e.usdP50).toBeCloseTo(e.inputTokens * 1.25e-6 + e.outputTokens * 5e-6, 10);
    const switchReason = forced.reasons.find((r) => r.startsWith('switching from'));
    expect(switchReason).toMatch(
      /^switching from anthropic\/claude-sonnet-4-6 costs its warm prompt cache: \d+K tokens read cold \(\+\$0\.0\d+\)$/,
    );
  });

  it('the cache goes cold after its TTL or when the conversation was rewritten', () => {
    const session = new RouterSession();
    const history = conversation(10_000);
    session.noteSent(
      'anthropic/claude-sonnet-4-6',
      { system: SYSTEM, messages: history },
      NOW - 6 * 60_000,
    );
    const late = route({ prompt: 'go on', system: SYSTEM, messages: history }, ctx({ session }));
    expect(option(late, 'anthropic/claude-sonnet-4-6')?.coldCache ?? true).toBe(true);

    session.noteSent(
      'anthropic/claude-sonnet-4-6',
      { system: SYSTEM, messages: history },
      NOW - 1000,
    );
    const rewritten = [
      ...history.slice(0, -1),
      { role: 'assistant' as const, content: 'a different ending' },
    ];
    const d = route({ prompt: 'go on', system: SYSTEM, messages: rewritten }, ctx({ session }));
    expect(option(d, 'anthropic/claude-sonnet-4-6')?.coldCache ?? true).toBe(true);
  });

  it('staying on a warm stronger model can beat a cold switch for a cheap task', () => {
    const session = new RouterSession();
    const history = conversation(55_000);
    session.noteSent(
      'anthropic/claude-sonnet-4-6',
      { system: SYSTEM, tools: TOOLS, messages: history },
      NOW - 30_000,
    );
    // Docs → tier 2; Sonnet (tier 1) is warm with 55K tokens, Haiku would write them all cold.
    const config = withConfig((c) => {
      c.tiers['2'] = ['anthropic/claude-haiku-4-5'];
    });
    const d = route(
      {
        prompt: 'add JSDoc comments to this function',
        system: SYSTEM,
        tools: TOOLS,
        messages: history,
      },
      ctx({ session }, config),
    );
    expect(d.taskType).toBe('docs');
    expect(d.chosen.model).toBe('anthropic/claude-sonnet-4-6');
    expect(d.reasons.some((r) => r.includes('keeps its warm prompt cache'))).toBe(true);
  });
});

describe('route: incremental token counting', () => {
  it('tokenizes only what is new on each turn', () => {
    const session = new RouterSession();
    const messages = conversation(20_000);
    const c = ctx({ session });
    route({ prompt: 'first', system: SYSTEM, tools: TOOLS, messages }, c);
    const before = session.tokens.tokenizedTexts;
    messages.push({ role: 'assistant', content: 'a brand new answer about the parser' });
    const d = route({ prompt: 'second question', system: SYSTEM, tools: TOOLS, messages }, c);
    // The new message and the new prompt; nothing of the 20K-token history again.
    expect(session.tokens.tokenizedTexts - before).toBe(2);
    expect(d.chosen.estimate.inputTokens).toBeGreaterThan(20_000);
  });

  it('recognises a copied message by content hash', () => {
    const session = new RouterSession();
    const long = 'x = compute(y) + 1;\n'.repeat(100);
    session.tokens.message({ role: 'user', content: long });
    const before = session.tokens.tokenizedTexts;
    session.tokens.message({ role: 'user', content: long });
    expect(session.tokens.tokenizedTexts).toBe(before);
  });
});

describe('route: overrides and saved rules', () => {
  it('a turn override forces a tier for this turn only', () => {
    const c = ctx();
    const d = route({ prompt: 'fix the typo in the help text', override: { tier: 0 } }, c);
    expect(d.chosen.tier).toBe(0);
    expect(d.source).toBe('turn-override');
    expect(route({ prompt: 'fix the typo in the help text' }, c).chosen.tier).toBe(3);
  });

  it('a session override holds for later turns, never touches the config, and a turn override beats it', () => {
    const c = ctx();
    const before = structuredClone(c.config);
    c.session.setOverride({ model: 'openai/gpt-5.3-codex' });
    const d = route({ prompt: 'write docs for the budget guard' }, c);
    expect(d.chosen.model).toBe('openai/gpt-5.3-codex');
    expect(d.source).toBe('session-override');
    expect(route({ prompt: 'hello', override: { tier: 3 } }, c).chosen.tier).toBe(3);
    expect(c.config).toEqual(before);
    c.session.setOverride(undefined);
    expect(route({ prompt: 'write docs for the budget guard' }, c).source).toBe('table');
  });

  it('saved rules win over the table; pure helpers build the rule to save', () => {
    const rule = ruleFromOverride('refactor', { tier: 0 });
    expect(rule).toEqual({ taskType: 'refactor', tier: 0 });
    const rules = upsertRule(
      [
        { taskType: 'refactor', tier: 2 },
        { taskType: 'docs', model: 'anthropic/claude-haiku-4-5' },
      ],
      rule,
    );
    expect(rules).toEqual([
      { taskType: 'docs', model: 'anthropic/claude-haiku-4-5' },
      { taskType: 'refactor', tier: 0 },
    ]);
    expect(removeRule(rules, 'docs')).toEqual([{ taskType: 'refactor', tier: 0 }]);
    const config = withConfig((cfg) => {
      cfg.routing.rules = rules;
    });
    const d = route({ prompt: 'refactor the parser' }, ctx({}, config));
    expect(d.source).toBe('rule');
    expect(d.chosen.tier).toBe(0);
    expect(route({ prompt: 'update the README' }, ctx({}, config)).chosen.model).toBe(
      'anthropic/claude-haiku-4-5',
    );
  });

  it('a forced model that cannot run falls back to normal routing with a warning', () => {
    const d = route(
      { prompt: 'fix the bug in the parser', override: { model: 'openai/gpt-5.3-codex' } },
      ctx({ hasKey: (p) => p !== 'openai' }),
    );
    expect(d.chosen.model).toBe('anthropic/claude-sonnet-4-6');
    expect(d.warnings[0]).toMatch(
      /openai\/gpt-5.3-codex unavailable \(no API key \(set OPENAI_API_KEY\)\); routing normally/,
    );
  });

  it('a retry after a failed attempt goes no lower than the tier that failed; an override still wins', () => {
    const c = ctx();
    const retry = { prompt: 'fix the typo in the help text', facts: { failedTier: 1 as const } };
    const d = route(retry, c);
    // The table says local (tier 3); the attempt that failed ran on standard.
    expect(d.source).toBe('table');
    expect([1, 0]).toContain(d.chosen.tier);
    expect(d.reasons.join('\n')).toContain('routing table: quick-fix → tier 3 (local)');
    expect(d.reasons.join('\n')).toContain(
      "retry after a failed attempt on tier 1 (standard): not down to the table's tier 3 (local)",
    );
    // A stronger table tier is kept, and the user's own choice is theirs.
    expect(route({ ...retry, facts: { failedTier: 3 } }, c).chosen.tier).toBe(3);
    expect(route({ ...retry, override: { tier: 3 } }, c).chosen.tier).toBe(3);
    expect(d.raisedFrom).toBe(3);
  });

  it('the retry floor gives way to a saved rule and a routing.table entry, and skips questions', () => {
    const retry = { prompt: 'fix the typo in the help text', facts: { failedTier: 1 as const } };
    const ruled = withConfig((cfg) => {
      cfg.routing.rules = [{ taskType: 'quick-fix', tier: 3 }];
    });
    expect(route(retry, ctx({}, ruled))).toMatchObject({ source: 'rule', tableTier: 3 });
    const policy = withConfig((cfg) => {
      cfg.routing.table = { 'quick-fix': 3 };
    });
    const d = route(retry, ctx({}, policy));
    expect(d.tableTier).toBe(3);
    expect(d.raisedFrom).toBeUndefined();
    // A question after a failed attempt redoes nothing: it is not raised.
    const question = route({ prompt: 'what is a monad?', facts: { failedTier: 0 } }, ctx());
    expect(question.raisedFrom).toBeUndefined();
  });

  it('a raised long-context retry names the table’s own tier', () => {
    const paste = `summarise this log\n${'INFO request served in 12 ms\n'.repeat(1400)}`;
    const d = route({ prompt: paste, facts: { failedTier: 0 } }, ctx());
    expect(d.taskType).toBe('long-context');
    expect(d.raisedFrom).toBeDefined();
    expect(d.reasons.join('\n')).toContain(`routing table: long-context → tier ${d.raisedFrom}`);
    expect(d.reasons.join('\n')).toContain('retry after a failed attempt on tier 0 (frontier)');
  });

  it('the table from the config changes the tier', () => {
    const config = withConfig((c) => {
      c.routing.table = { implement: 3 };
    });
    expect(route({ prompt: 'implement the --json flag' }, ctx({}, config)).chosen.tier).toBe(3);
  });
});

describe('route: constraints', () => {
  it('no key removes a provider, with the variable to set', () => {
    const d = route(
      { prompt: 'fix the bug in the parser' },
      ctx({ hasKey: (p) => p !== 'anthropic' }),
    );
    expect(d.chosen.model).not.toMatch(/^anthropic\//);
    expect(option(d, 'anthropic/claude-sonnet-4-6')).toMatchObject({
      available: false,
      unavailableReason: 'no API key (set ANTHROPIC_API_KEY)',
    });
  });

  it('a model not installed, or too big for the memory budget, is unavailable locally', () => {
    const local = {
      ...allLocal(),
      installed: (m: string) => m !== 'qwen3-coder:30b',
      fits: (m: string) => m !== 'qwen2.5-coder:32b',
    };
    const d = route({ prompt: 'fix the typo in the help text' }, ctx({ local }));
    expect(option(d, 'ollama/qwen3-coder:30b')?.unavailableReason).toBe(
      'not installed (ollama pull qwen3-coder:30b)',
    );
    expect(option(d, 'ollama/qwen2.5-coder:32b')?.unavailableReason).toBe(
      'does not fit the memory budget at num_ctx 4096',
    );
    expect(d.chosen.model).toBe('ollama/glm-4.7');
    expect(d.chosen.loadsModel?.seconds).toBeGreaterThan(1);
    expect(d.reasons.some((r) => /is not loaded: ~.* to load first/.test(r))).toBe(true);
  });

  it('a context window too small removes the route; long conversations take the long-context tier', () => {
    const messages = conversation(210_000, 2000);
    const d = route(
      { prompt: 'what did we decide about retries?', system: SYSTEM, messages },
      ctx({}, seedConfig()),
    );
    expect(d.taskType).toBe('long-context');
    expect(d.reasons[1]).toMatch(
      /conversation of \d+K tokens is above 60K: long-context route, tier \d/,
    );
    expect(option(d, 'anthropic/claude-haiku-4-5')?.unavailableReason).toMatch(
      /^context window 200K < \d+K needed$/,
    );
    expect(d.chosen.model).toBe('openrouter/google/gemini-2.5-flash');
  });

  it('a cooled-down provider is unavailable until the pause ends', () => {
    let cooldown = EMPTY_COOLDOWN;
    for (const t of [NOW - 3000, NOW - 2000, NOW - 1000])
      cooldown = recordFailure(cooldown, 'anthropic', { kind: 'overloaded' }, t);
    const d = route({ prompt: 'fix the bug in the parser' }, ctx({ cooldown }));
    expect(option(d, 'anthropic/claude-sonnet-4-6')?.unavailableReason).toMatch(
      /anthropic cooling down for 29 s/,
    );
    const later = route(
      { prompt: 'fix the bug in the parser' },
      ctx({ cooldown, now: NOW + 30_000 }),
    );
    expect(later.chosen.model).toBe('anthropic/claude-sonnet-4-6');
  });

  it('an unpriced model shows null USD and ranks after priced ones', () => {
    const config = withConfig((c) => {
      c.tiers['1'] = ['openrouter/acme/mystery-coder', 'anthropic/claude-sonnet-4-6'];
    });
    const d = route({ prompt: 'fix the bug in the parser' }, ctx({}, config));
    expect(d.chosen.model).toBe('anthropic/claude-sonnet-4-6');
    const mystery = option(d, 'openrouter/acme/mystery-coder')!;
    expect(mystery.estimate.usdP50).toBeNull();
    expect(mystery.estimate.expectedUsdPerTask).toBeNull();
  });
});

describe('route: budget guard', () => {
  const spent = (action: Config['budget']['action']) =>
    withConfig((c) => {
      c.budget.monthlyUsd = 50;
      c.budget.action = action;
    });

  it('ask: the paid route stays, marked for confirmation, with warnings', () => {
    const d = route(
      { prompt: 'fix the bug in the parser' },
      ctx({ monthSpendUsd: 50 }, spent('ask')),
    );
    expect(d.chosen.model).toBe('anthropic/claude-sonnet-4-6');
    expect(d.chosen.needsConfirmation).toBe(true);
    expect(d.chosen.confirmReason).toMatch(/monthly budget \$50\.00 is spent/);
    expect(d.warnings).toContain('Monthly budget spent: $50.00 of $50.00 (action: ask)');
  });

  it('local-only: paid routes go, the turn runs locally', () => {
    const d = route(
      { prompt: 'fix the bug in the parser' },
      ctx({ monthSpendUsd: 50 }, spent('local-only')),
    );
    expect(d.chosen.model.startsWith('ollama/') || d.chosen.estimate.usdP90 === 0).toBe(true);
    expect(d.chosen.available).toBe(true);
    expect(
      option(d, 'anthropic/claude-sonnet-4-6') ??
        d.alternatives.find((a) => a.model.startsWith('anthropic/')),
    ).toMatchObject({ available: false });
  });

  it('local-only: a research turn runs on Ollama, not on a free cloud model (#15 item 6)', () => {
    const d = routeWith(
      {
        prompt: 'which charting library should we use?',
        classification: {
          taskType: 'research',
          baseTaskType: 'research',
          complexity: 2,
          confidence: 0.9,
          signals: [],
          source: 'trained',
        },
      },
      ctx({ monthSpendUsd: 50 }, spent('local-only')),
    );
    expect(d.chosen.model.startsWith('ollama/')).toBe(true);
    expect(d.chosen.available).toBe(true);
    const free = d.options.find((o) => o.model === 'openrouter/openai/gpt-oss-120b:free');
    expect(free).toMatchObject({ available: false });
    expect(free?.unavailableReason).toMatch(/local only \(Ollama hosts\)/);
    expect(d.options.filter((o) => o.available).every((o) => o.model.startsWith('ollama/'))).toBe(
      true,
    );
    expect(d.reasons).toContain('budget: cloud routes removed (local-only: Ollama hosts only)');
  });

  it('block: no paid route and no silent move to another tier', () => {
    const d = route(
      { prompt: 'fix the bug in the parser' },
      ctx({ monthSpendUsd: 50 }, spent('block')),
    );
    expect(d.chosen.available).toBe(false);
    expect(d.chosen.unavailableReason).toMatch(/paid routes blocked/);
    expect(d.warnings.some((w) => w.startsWith('No route available for this turn'))).toBe(true);
  });

  it('block: a retry raised to a tier the budget emptied runs on the table’s own tier', () => {
    // The corpus-fitted table (the seed config's flat one is a routing.table policy: no floor).
    const config = spent('block');
    config.routing.table = {};
    const d = route(
      { prompt: 'fix the typo in the help text', facts: { failedTier: 1 } },
      ctx({ monthSpendUsd: 50 }, config),
    );
    expect(d.chosen.available).toBe(true);
    expect(d.chosen.tier).toBe(3);
    expect(d.warnings.join('\n')).toMatch(
      /the budget leaves no route on tier 1 \(standard\), where the last attempt failed; retrying on the table's tier 3/,
    );
  });

  it('a p90 that would cross the budget is caught before the money is gone', () => {
    const d = route(
      { prompt: 'fix the bug in the parser' },
      ctx({ monthSpendUsd: 49.99 }, spent('ask')),
    );
    expect(d.chosen.needsConfirmation).toBe(true);
    expect(d.chosen.confirmReason).toMatch(/would cross the monthly budget/);
    expect(d.warnings.some((w) => w.startsWith('95% of the monthly budget spent'))).toBe(true);
  });
});

describe('route: calibration moves routes', () => {
  it('docs go local once this user’s docs turns pass on the local tier', () => {
    const verify = (passed: boolean): VerifyRecord => ({
      v: 1,
      type: 'verify',
      ts: '2026-03-01T10:00:00Z',
      session: 's',
      task: 't',
      turn: 1,
      taskType: 'docs',
      tier: 3,
      model: 'ollama/qwen3-coder:30b',
      command: 'npm run lint:md',
      passed,
      durationMs: 100,
    });
    const prompt = 'update the README with the new flags';
    expect(route({ prompt }, ctx()).chosen.tier).toBe(2);
    const history = Array.from({ length: 40 }, (_, i) => verify(i % 20 !== 0));
    const d = route({ prompt }, ctx({ history }));
    expect(d.chosen.tier).toBe(3);
    expect(d.reasons.some((r) => r.startsWith('tier 3 beats tier 2'))).toBe(true);
  });

  it('hard work in the table tier may move up a tier', () => {
    const d = route(
      {
        prompt:
          'Refactor the auth middleware across all services for the migration to the new session store',
      },
      ctx(),
    );
    expect(d.complexity).toBeGreaterThanOrEqual(4);
    expect([0, 1]).toContain(d.chosen.tier);
    expect(d.alternatives.some((a) => a.tier === 0)).toBe(true);
  });
});

describe('route: configuration errors', () => {
  it('no model in any tier is a config error with a hint', () => {
    const config = withConfig((c) => {
      for (const t of ['0', '1', '2', '3', '4'] as const) c.tiers[t] = [];
    });
    expect(() => route({ prompt: 'hello' }, ctx({}, config))).toThrow(
      /No models configured in any tier/,
    );
  });
});

describe('toCallEstimate', () => {
  it('records the raw tokenizer count the family ratio is learned from', () => {
    const d = route({ prompt: 'fix the bug in the parser', system: SYSTEM }, ctx());
    const e = toCallEstimate(d.chosen);
    expect(e.inputTokens).toBe(d.chosen.estimate.rawInputTokens);
    expect(d.chosen.estimate.inputTokens).toBeGreaterThan(e.inputTokens);
    expect(e.usdP50).toBe(d.chosen.estimate.usdP50);
  });
});

describe('route: a cheaper neighbour tier needs the user’s own results', () => {
  // The shipped table (defaultConfig), which sends a conceptual question to the budget tier.
  const chat: RouteInput = {
    prompt: 'why does my useEffect run twice in dev? answer briefly',
    classification: {
      taskType: 'chat',
      baseTaskType: 'chat',
      complexity: 1,
      confidence: 0.97,
      signals: [],
      source: 'trained',
    },
  };
  const localChat = (n: number, passed: boolean): VerifyRecord[] =>
    Array.from({ length: n }, (_, i) => ({
      v: 1,
      type: 'verify',
      ts: new Date(NOW - (i + 1) * 3_600_000).toISOString(),
      session: 's',
      task: `t${i}`,
      turn: 1,
      taskType: 'chat',
      tier: 3,
      model: 'ollama/qwen3-coder:30b',
      command: 'npm test',
      passed,
      durationMs: 1000,
    }));

  it('on the built-in priors alone the table’s tier stands, and the card says why', () => {
    // The local prior for chat is within 5 points of the budget tier's at complexity 1; the
    // corpus accepts no chat question on the local tier (data/router/corpus.jsonl: [4,2] all).
    const d = routeWith(chat, ctx({}, defaultConfig()));
    expect(d.chosen.tier).toBe(4);
    // Among the first three reasons, the ones the card shows.
    expect(d.reasons.slice(0, 3).join('\n')).toMatch(
      /tier 3 \(local\) not considered: its \d+% for chat is a built-in guess \(0 of 8 results of yours\)/,
    );
  });

  it('with enough of them, and as good, the cheaper tier is considered and taken', () => {
    const few = routeWith(chat, ctx({ history: localChat(5, true) }, defaultConfig()));
    expect(few.chosen.tier).toBe(4);
    expect(few.reasons.join('\n')).toMatch(/\(5 of 8 results of yours\)/);
    const enough = routeWith(chat, ctx({ history: localChat(12, true) }, defaultConfig()));
    expect(enough.chosen.tier).toBe(3);
    expect(enough.chosen.model).toBe('ollama/qwen3-coder:30b');
  });

  it('a prior the user set for the cheaper tier counts as their word', () => {
    const config = defaultConfig();
    config.routing.successPriors = { chat: { '3': 0.9 } };
    const d = routeWith(chat, ctx({}, config));
    expect(d.chosen.tier).toBe(3);
    // Keyed as mergePriors reads it.
    config.routing.successPriors = { chat: { '03': 0.9 } };
    expect(routeWith(chat, ctx({}, config)).chosen.tier).toBe(3);
    // Only for that task type and tier.
    config.routing.successPriors = { docs: { '3': 0.9 }, chat: { '2': 0.9 } };
    expect(routeWith(chat, ctx({}, config)).chosen.tier).toBe(4);
  });

  it('results that say the cheaper tier fails keep the table’s tier', () => {
    const d = routeWith(chat, ctx({ history: localChat(12, false) }, defaultConfig()));
    expect(d.chosen.tier).toBe(4);
    expect(d.reasons.join('\n')).toMatch(/tier 3 \(local\) not considered: p\(success\) \d+% vs/);
  });
});
