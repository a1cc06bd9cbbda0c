// The session's flows without Ink and without a network: the turn runner's fallback loop and
// per-call ledger records, the route flow's override precedence and auto-accept policy, and the
// escalation after failed tests. Providers are scripted in process (test/agent/helpers).
import { describe, expect, it } from 'vitest';
import { createPermissionGate, DEFAULT_TOOLS } from '../../src/agent/index.js';
import { configSchema, type Config } from '../../src/config/schema.js';
import { KirikaeError } from '../../src/core/errors.js';
import type { LedgerRecord } from '../../src/core/records.js';
import { createRouting } from '../../src/router/context.js';
import type { CooldownState } from '../../src/router/cooldown.js';
import { RouterSession } from '../../src/router/session.js';
import { askModel } from '../../src/router/model-policy.js';
import type { SessionFacts } from '../../src/router/types.js';
import { RouteFlow } from '../../src/session/route-flow.js';
import { TurnLedger } from '../../src/session/turn-ledger.js';
import { runTurn, type TurnEvent, type TurnRunnerDeps } from '../../src/session/turn-runner.js';
import { planEscalation } from '../../src/session/verify-flow.js';
import { fakeProvider, tempDir, type FakeStep } from '../agent/helpers.js';
import { allLocal, NOW } from '../router/helpers.js';

function routing(config: Config, router = new RouterSession()) {
  return createRouting({
    config: () => config,
    session: router,
    history: () => ({ records: [], version: 0 }),
    hasKey: () => true,
    local: { adapter: () => allLocal(), unavailableReason: () => undefined },
    monthSpendUsd: () => 0,
    system: 'You are kirikae.',
    tools: DEFAULT_TOOLS.map((t) => t.spec),
    now: () => NOW,
  });
}

function runnerWith(config: Config, scripts: Record<string, FakeStep[]>, cwd: string) {
  const records: LedgerRecord[] = [];
  let cooldown: CooldownState = { providers: {} };
  const providers = Object.fromEntries(
    Object.entries(scripts).map(([id, steps]) => [id, fakeProvider(steps)]),
  );
  const deps: TurnRunnerDeps = {
    config: () => config,
    cwd,
    system: 'You are kirikae.',
    tools: DEFAULT_TOOLS,
    permissions: createPermissionGate({ mode: 'auto', rules: config.agent }),
    providerFor: (ref) => providers[ref.provider]!,
    ledger: new TurnLedger({
      config: () => config,
      session: 's1',
      append: (r) => records.push(r),
    }),
    router: new RouterSession(),
    cooldown: { get: () => cooldown, set: (s) => (cooldown = s) },
  };
  return { deps, records, providers };
}

describe('turn runner', () => {
  it('falls back along the chain on a retryable error and books one record per model call', async () => {
    const { dir, cleanup } = tempDir();
    const config = configSchema.parse({
      fallback: ['anthropic/claude-sonnet-4-6', 'openai/gpt-5.3-codex'],
    });
    const { deps, records } = runnerWith(
      config,
      {
        anthropic: [{ error: new KirikaeError('overloaded', 'Overloaded'), usage: { input: 0 } }],
        openai: [
          { calls: [{ name: 'list_files', args: {} }], usage: { input: 900, output: 20 } },
          { text: 'done', usage: { input: 1000, output: 40 } },
        ],
      },
      dir,
    );
    const decision = routing(config).decide({
      prompt: 'implement a retry helper',
      override: { model: 'anthropic/claude-sonnet-4-6' },
    });
    const events: TurnEvent[] = [];
    const result = await runTurn(
      {
        turn: 1,
        task: 't1',
        taskType: decision.taskType,
        messages: [{ role: 'user', content: 'implement a retry helper' }],
        decision,
        model: 'anthropic/claude-sonnet-4-6',
        how: 'accepted',
        signal: new AbortController().signal,
        approve: async () => ({ decision: 'once' }),
      },
      deps,
      (e) => events.push(e),
    );
    cleanup();
    expect(result).toMatchObject({ model: 'openai/gpt-5.3-codex', outcome: 'ok' });
    expect(result.tried).toEqual(['anthropic/claude-sonnet-4-6']);
    expect(events.filter((e) => e.type === 'fallback')).toHaveLength(1);
    // Three model calls, three records, each priced on its own usage, all with the task.
    expect(records.map((r) => r.type === 'call' && [r.model, r.decision, r.usage.input])).toEqual([
      ['anthropic/claude-sonnet-4-6', 'accepted', 0],
      ['openai/gpt-5.3-codex', 'fallback', 900],
      ['openai/gpt-5.3-codex', 'fallback', 1000],
    ]);
    for (const r of records) expect(r).toMatchObject({ task: 't1', taskType: decision.taskType });
    // Each record is priced alone: 900 × $1.75/M + 20 × $14/M, not the summed usage.
    const second = records[1]!;
    expect(second.type === 'call' && second.costUsd).toBeCloseTo(900 * 1.75e-6 + 20 * 14e-6, 12);
    expect(result.cost.usd).toBeCloseTo(
      records.reduce((s, r) => s + (r.type === 'call' ? (r.costUsd ?? 0) : 0), 0),
      12,
    );
  });

  it('does not fall back on an auth error, and stops on abort keeping the partial answer', async () => {
    const { dir, cleanup } = tempDir();
    const config = configSchema.parse({
      fallback: ['anthropic/claude-sonnet-4-6', 'openai/gpt-5.3-codex'],
    });
    const { deps, providers } = runnerWith(
      config,
      { anthropic: [{ error: new KirikaeError('auth', 'invalid x-api-key') }], openai: [] },
      dir,
    );
    const decision = routing(config).decide({ prompt: 'hello' });
    const plan = {
      turn: 1,
      task: 't',
      taskType: decision.taskType,
      messages: [{ role: 'user' as const, content: 'hello' }],
      decision,
      model: 'anthropic/claude-sonnet-4-6',
      how: 'accepted' as const,
      signal: new AbortController().signal,
      approve: async () => ({ decision: 'once' as const }),
    };
    const failed = await runTurn(plan, deps);
    expect(failed).toMatchObject({ outcome: 'error', tried: [] });
    expect(failed.error?.kind).toBe('auth');
    expect(providers.openai!.requests).toHaveLength(0);

    const cut = runnerWith(
      config,
      { anthropic: [{ text: 'half an ans', error: new KirikaeError('aborted', 'Stopped') }] },
      dir,
    );
    const aborted = await runTurn(plan, cut.deps);
    cleanup();
    expect(aborted.outcome).toBe('aborted');
    expect(aborted.messages.at(-1)).toEqual({ role: 'assistant', content: 'half an ans' });
    expect(cut.records).toHaveLength(1);
  });
});

describe('route flow', () => {
  function flow(config: Config, facts?: () => SessionFacts) {
    const router = new RouterSession();
    const notices: string[] = [];
    const saved: unknown[] = [];
    const f = new RouteFlow({
      routing: routing(config, router),
      router,
      config: () => config,
      saveRule: (rule) => void saved.push(rule),
      notify: (_, text) => notices.push(text),
      ...(facts ? { facts } : {}),
    });
    return { f, notices, saved };
  }

  it('decides with the conversation’s facts: a vague follow-up continues the task', () => {
    const config = configSchema.parse({});
    let facts: SessionFacts = {};
    const { f } = flow(config, () => facts);
    const alone = f.propose('ok do it', []).pending.decision;
    expect(alone.signals).toContain('no-cue');
    facts = { previousTaskType: 'debug' };
    const follow = f.propose('ok do it', []).pending.decision;
    expect(follow.signals).toContain('continues-previous');
    expect(follow.taskType).toBe('debug');
    // The model classifier is not asked about it: only the conversation explains it.
    expect(askModel(follow, config)).toBe(false);
    // A request of its own is not a follow-up, and the model may be asked about it.
    const own = f.propose(
      'the onboarding screens and the settings page, same spacing as the new design tokens everywhere please',
      [],
    ).pending.decision;
    expect(own.signals).not.toContain('continues-previous');
  });

  it('a turn override beats a session rule, which beats the session override and the table', () => {
    const config = configSchema.parse({});
    const { f } = flow(config);
    const base = f.propose('fix the typo in README.md', []);
    const taskType = base.pending.decision.taskType;
    f.setOverride({ tier: 2 }, 'session');
    expect(f.propose('fix the typo in README.md', []).pending.decision.chosen.tier).toBe(2);
    // `a` on a card that selected tier 0 makes tier 0 this task type's session rule.
    const card = f.propose('fix the typo in README.md', []).proposal;
    const tier0 = f.selectTier(card, 0);
    if (!tier0.proposal) throw new Error('tier 0 not selectable');
    f.always(tier0.proposal, false);
    const ruled = f.propose('fix the typo in README.md', []);
    expect(ruled.pending.decision.taskType).toBe(taskType);
    expect(ruled.pending.decision.chosen.tier).toBe(0);
    f.setOverride({ model: 'openai/gpt-5.3-codex' }, 'turn');
    expect(f.propose('fix the typo in README.md', []).pending.decision.chosen.model).toBe(
      'openai/gpt-5.3-codex',
    );
    // The turn override lasts one turn.
    expect(f.propose('fix the typo in README.md', []).pending.decision.chosen.tier).toBe(0);
  });

  it('picks tiers and models from the decision without re-running the router', () => {
    const config = configSchema.parse({});
    const { f } = flow(config);
    const { proposal, pending } = f.propose('implement a cache for the user service', []);
    const models = new Set(proposal.options.map((o) => o.model));
    for (const id of Object.values(config.tiers).flat()) expect(models.has(id)).toBe(true);
    const t0 = f.selectTier(proposal, 0);
    expect(t0.proposal && t0.proposal.options[t0.proposal.selected]!.tier).toBe(0);
    const next = f.cycleModel(t0.proposal!, 1);
    const picked = next.proposal!.options[next.proposal!.selected]!;
    expect(picked.tier).toBe(0);
    expect(picked.model).not.toBe(t0.proposal!.options[t0.proposal!.selected]!.model);
    // The option shown is the router's own estimate for that model.
    expect(picked).toEqual(
      expect.objectContaining({
        model: pending.decision.options.find((o) => o.model === picked.model)!.model,
      }),
    );
  });

  it('auto-accepts only what is allowed, and never swaps an explicit model that cannot run', () => {
    const config = configSchema.parse({ confirm: { autoAcceptBelowUsd: 0 } });
    const { f } = flow(config);
    expect(f.propose('implement a cache', []).auto).toBe(false);
    f.setAutoAccept(true);
    expect(f.propose('implement a cache', []).auto).toBe(true);
    f.setAutoAccept(false);
    // A local model that is not installed: the card must say why instead of running Sonnet.
    f.setOverride({ model: 'ollama/not-installed:7b' }, 'session');
    const forced = f.propose('fix the typo', []);
    expect(forced.pending.decision.chosen.model).not.toBe('ollama/not-installed:7b');
    expect(forced.auto).toBe(false);
    f.setOverride({ model: 'anthropic/claude-haiku-4-5' }, 'session');
    expect(f.propose('fix the typo', []).auto).toBe(true);
  });
});

describe('escalation', () => {
  it('climbs one tier with a priced proposal, and stops at the retry cap', () => {
    const config = configSchema.parse({ verify: { retryCap: 1 } });
    const estimate = (tier: number) => ({ model: `tier${tier}/m`, usd: 0.01 * (5 - tier) });
    const first = planEscalation({ tier: 3, attempts: 1, config, summary: 'FAIL x', estimate });
    expect(first.escalation).toMatchObject({ kind: 'escalate', toTier: 2, model: 'tier2/m' });
    expect(first.notice).toMatch(/tier 2/);
    const capped = planEscalation({ tier: 2, attempts: 2, config, summary: 'FAIL x', estimate });
    expect(capped.escalation.kind).not.toBe('escalate');
  });
});
