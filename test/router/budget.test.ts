import { describe, expect, it } from 'vitest';
import {
  budgetVerdict,
  budgetWarnings,
  isPaidRoute,
  type BudgetInput,
} from '../../src/router/budget.js';

const budget = (over: Partial<BudgetInput> = {}): BudgetInput => ({
  monthlyUsd: 100,
  action: 'ask',
  warnAt: [0.5, 0.8, 0.95],
  monthSpendUsd: 10,
  ...over,
});
const sonnet = (usdP90: number | null) => ({ model: 'anthropic/claude-sonnet-4-6', usdP90 });

describe('isPaidRoute', () => {
  it('local and known-free routes are not paid; unknown prices are', () => {
    expect(isPaidRoute('ollama/qwen3-coder:30b', 0.001)).toBe(false);
    expect(isPaidRoute('openrouter/openai/gpt-oss-120b:free', 0)).toBe(false);
    expect(isPaidRoute('openrouter/foo/bar', null)).toBe(true);
    expect(isPaidRoute('anthropic/claude-sonnet-4-6', 0.01)).toBe(true);
  });
});

describe('budgetVerdict', () => {
  it('lets a route through when its p90 fits', () => {
    expect(budgetVerdict(budget(), sonnet(5))).toEqual({ kind: 'ok' });
  });

  it('ask: a p90 that would cross the budget needs confirmation, with the reason', () => {
    const v = budgetVerdict(budget({ monthSpendUsd: 98 }), sonnet(3));
    expect(v.kind).toBe('confirm');
    expect(v.kind === 'confirm' && v.reason).toMatch(/p90 \$3\.00 would cross the monthly budget/);
  });

  it('local-only: removes paid routes once the budget is spent, keeps local ones', () => {
    const b = budget({ action: 'local-only', monthSpendUsd: 100 });
    const v = budgetVerdict(b, sonnet(0.01));
    expect(v.kind).toBe('remove');
    expect(v.kind === 'remove' && v.reason).toMatch(/spent.*local only/);
    expect(budgetVerdict(b, { model: 'ollama/qwen3-coder:30b', usdP90: 0.0002 })).toEqual({
      kind: 'ok',
    });
  });

  it('local-only: once the budget is spent a free cloud model goes too (Ollama hosts only)', () => {
    const free = { model: 'openrouter/openai/gpt-oss-120b:free', usdP90: 0 };
    const v = budgetVerdict(budget({ action: 'local-only', monthSpendUsd: 100 }), free);
    expect(v.kind).toBe('remove');
    expect(v.kind === 'remove' && v.reason).toMatch(/local only \(Ollama hosts\)/);
    // While money is left, or under another action, a free route costs nothing and stays.
    expect(budgetVerdict(budget({ action: 'local-only', monthSpendUsd: 50 }), free)).toEqual({
      kind: 'ok',
    });
    expect(budgetVerdict(budget({ action: 'block', monthSpendUsd: 100 }), free)).toEqual({
      kind: 'ok',
    });
  });

  it('block: removes a crossing route with a reason naming the block', () => {
    const v = budgetVerdict(budget({ action: 'block', monthSpendUsd: 99.99 }), sonnet(0.05));
    expect(v.kind === 'remove' && v.reason).toMatch(/paid routes blocked/);
  });

  it('an unpriced route passes while money is left, and is stopped once it is spent', () => {
    expect(budgetVerdict(budget(), sonnet(null))).toEqual({ kind: 'ok' });
    expect(budgetVerdict(budget({ monthSpendUsd: 100 }), sonnet(null)).kind).toBe('confirm');
  });
});

describe('budgetWarnings', () => {
  it('is silent below the first threshold', () => {
    expect(budgetWarnings(budget({ monthSpendUsd: 49.99 }))).toEqual([]);
  });

  it.each([
    [50, '50%'],
    [80, '80%'],
    [95, '95%'],
    [96, '95%'],
  ])('at $%d of $100 warns once, for %s', (spend, label) => {
    const warnings = budgetWarnings(budget({ monthSpendUsd: spend }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${label} of the monthly budget spent`);
  });

  it('says the budget is spent at 100% and names the action', () => {
    expect(budgetWarnings(budget({ monthSpendUsd: 120, action: 'block' }))[0]).toMatch(
      /Monthly budget spent: \$120\.00 of \$100\.00 \(action: block\)/,
    );
  });
});
