import { usd } from './format.js';

export type BudgetAction = 'ask' | 'local-only' | 'block';

export interface BudgetInput {
  monthlyUsd: number;
  action: BudgetAction;
  /** Fractions of the monthly budget that raise a warning, e.g. [0.5, 0.8, 0.95]. */
  warnAt: readonly number[];
  /** Spent so far this calendar month (from the ledger). */
  monthSpendUsd: number;
}

export type BudgetVerdict =
  | { kind: 'ok' }
  /** `ask`: the route stays but the user confirms it. */
  | { kind: 'confirm'; reason: string }
  /** `local-only` / `block`: the route is taken away. */
  | { kind: 'remove'; reason: string };

/**
 * A route costs money unless it runs locally or its price is known to be zero. An unknown price
 * counts as paid: an unpriced model must never slip past the budget as free.
 */
export function isPaidRoute(model: string, usdP90: number | null): boolean {
  if (isLocalRoute(model)) return false;
  return usdP90 === null || usdP90 > 0;
}

/** Runs on an Ollama host: what `local-only` keeps. A free cloud model is still the cloud. */
export function isLocalRoute(model: string): boolean {
  return model.startsWith('ollama/');
}

/**
 * Checks one route against the month's budget. Tails empty budgets, so the route's p90 is what
 * must fit: a route whose p90 would cross the budget, or any paid route once the budget is
 * spent, goes to the configured action.
 */
export function budgetVerdict(
  budget: BudgetInput,
  route: { model: string; usdP90: number | null },
): BudgetVerdict {
  const spent = budget.monthSpendUsd >= budget.monthlyUsd;
  if (!isPaidRoute(route.model, route.usdP90)) {
    // Local-only means Ollama hosts only: a free cloud model still sends the code away.
    return spent && budget.action === 'local-only' && !isLocalRoute(route.model)
      ? {
          kind: 'remove',
          reason: `monthly budget ${usd(budget.monthlyUsd)} is spent (${usd(budget.monthSpendUsd)}): local only (Ollama hosts)`,
        }
      : { kind: 'ok' };
  }
  const crosses = route.usdP90 !== null && budget.monthSpendUsd + route.usdP90 > budget.monthlyUsd;
  if (!spent && !crosses) return { kind: 'ok' };
  const what = spent
    ? `monthly budget ${usd(budget.monthlyUsd)} is spent (${usd(budget.monthSpendUsd)})`
    : `p90 ${usd(route.usdP90)} would cross the monthly budget (${usd(budget.monthSpendUsd)} of ${usd(budget.monthlyUsd)} spent)`;
  switch (budget.action) {
    case 'ask':
      return { kind: 'confirm', reason: `${what}: confirm to spend` };
    case 'local-only':
      return { kind: 'remove', reason: `${what}: local only` };
    case 'block':
      return { kind: 'remove', reason: `${what}: paid routes blocked` };
  }
}

/** One warning for the highest threshold the month's spend has reached (none below the first). */
export function budgetWarnings(budget: BudgetInput): string[] {
  if (budget.monthlyUsd <= 0) return [];
  const used = budget.monthSpendUsd / budget.monthlyUsd;
  if (used >= 1) {
    return [
      `Monthly budget spent: ${usd(budget.monthSpendUsd)} of ${usd(budget.monthlyUsd)} (action: ${budget.action})`,
    ];
  }
  const reached = [...budget.warnAt].sort((a, b) => b - a).find((t) => used >= t);
  if (reached === undefined) return [];
  return [
    `${Math.round(reached * 100)}% of the monthly budget spent: ${usd(budget.monthSpendUsd)} of ${usd(budget.monthlyUsd)}`,
  ];
}
