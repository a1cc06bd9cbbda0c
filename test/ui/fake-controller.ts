// A fake AppController for UI tests: a plain object with a mutable state, recorded intent
// calls and subscribe, so the App renders and sends intents without a router or a network.
import type {
  AppController,
  AppState,
  RouteProposal,
  RouteView,
  TranscriptItem,
} from '../../src/session/types.js';

export interface Call {
  method: keyof AppController;
  args: unknown[];
}

export interface FakeController extends AppController {
  calls: Call[];
  /** Replaces part of the state and tells subscribers, as the real controller does. */
  update(patch: Partial<AppState>): void;
  /** The arguments of every recorded call of one intent. */
  callsOf(method: keyof AppController): unknown[][];
}

export function baseState(patch: Partial<AppState> = {}): AppState {
  return {
    folder: '/work/projects/kirikae',
    branch: 'main',
    screen: 'chat',
    transcript: [],
    status: {
      memory: { usedBytes: 20 * 1024 ** 3, totalBytes: 36 * 1024 ** 3, pressure: 'normal' },
      resident: [{ name: 'qwen3-coder:30b', bytes: 18 * 1024 ** 3 }],
      tokPerSec: [38, 41, 44],
      sessionUsd: 0.042,
      monthUsd: 12.5,
      budgetUsd: 50,
    },
    setupProblems: [],
    themeName: 'dark',
    clearEpoch: 0,
    now: 1_700_000_000_000,
    exiting: false,
    ...patch,
  };
}

export type RouteViewPatch = Omit<Partial<RouteView>, 'estimate'> & {
  estimate?: Partial<RouteView['estimate']>;
};

export function routeView(patch: RouteViewPatch = {}): RouteView {
  return {
    model: 'anthropic/claude-sonnet-4-6',
    tier: 1,
    available: true,
    coldCache: false,
    ...patch,
    estimate: {
      inputTokens: 12_400,
      cacheReadTokens: 9_000,
      cacheWriteTokens: 0,
      outputTokens: 1_800,
      usdP50: 0.0312,
      usdP90: 0.0874,
      expectedUsdPerTask: 0.1243,
      pSuccess: 0.82,
      seconds: 14,
      ...patch.estimate,
    },
  };
}

export function proposal(patch: Partial<RouteProposal> = {}): RouteProposal {
  return {
    prompt: 'fix the failing date parser test',
    taskType: 'bugfix',
    complexity: 3,
    reasons: ['bugfix with a failing test: standard tier succeeds 82% of the time'],
    warnings: [],
    selected: 0,
    options: [
      routeView(),
      routeView({
        model: 'ollama/qwen3-coder:30b',
        tier: 3,
        estimate: { usdP50: 0, usdP90: 0, expectedUsdPerTask: 0.0651 },
      }),
      routeView({
        model: 'anthropic/claude-opus-4-6',
        tier: 0,
        available: false,
        unavailableReason: 'over the monthly budget',
      }),
      routeView({
        model: 'ollama/glm-4.7',
        tier: 3,
        available: false,
        unavailableReason: 'does not fit in memory (needs 41 GB)',
      }),
    ],
    ...patch,
  };
}

let nextId = 1;

export function turnItem(patch: Partial<Extract<TranscriptItem, { kind: 'turn' }>> = {}) {
  return {
    id: nextId++,
    kind: 'turn',
    model: 'anthropic/claude-sonnet-4-6',
    tier: 1,
    usage: { input: 1200, output: 340, cacheRead: 9000, cacheWrite: 0, reasoning: 0 },
    costUsd: 0.0123,
    tokPerSec: 52,
    durationMs: 6400,
    how: 'proposed, accepted',
    outcome: 'ok',
    ...patch,
  } satisfies TranscriptItem;
}

export function createFakeController(initial: Partial<AppState> = {}): FakeController {
  let state = baseState(initial);
  const listeners = new Set<() => void>();
  const calls: Call[] = [];
  const record =
    (method: keyof AppController) =>
    (...args: unknown[]): undefined => {
      calls.push({ method, args });
      return undefined;
    };
  const fake: FakeController = {
    calls,
    getState: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    update(patch) {
      state = { ...state, ...patch };
      for (const listener of listeners) listener();
    },
    callsOf: (method) => calls.filter((c) => c.method === method).map((c) => c.args),
    submit: record('submit'),
    acceptRoute: record('acceptRoute'),
    selectTier: record('selectTier'),
    cycleModel: record('cycleModel'),
    alwaysRoute: record('alwaysRoute'),
    // As the real controller: the card goes, and its prompt comes back (not for a retry card).
    cancelRoute: (...args: unknown[]) => {
      calls.push({ method: 'cancelRoute', args });
      const cancelled = state.proposal;
      fake.update({ proposal: undefined });
      return cancelled?.escalation ? undefined : cancelled?.prompt;
    },
    routeAnyway: record('routeAnyway'),
    dropCachedAnswer: record('dropCachedAnswer'),
    setCache: record('setCache'),
    explainCache: record('explainCache'),
    interrupt: record('interrupt'),
    fallbackNow: record('fallbackNow'),
    answerApproval: record('answerApproval'),
    setScreen: record('setScreen'),
    setModelOverride: record('setModelOverride'),
    setTierOverride: record('setTierOverride'),
    setAutoAccept: record('setAutoAccept'),
    explainLastRoute: record('explainLastRoute'),
    newTask: record('newTask'),
    doneTask: record('doneTask'),
    clearTranscript: record('clearTranscript'),
    setTheme: record('setTheme'),
    setBudget: record('setBudget'),
    notify: record('notify'),
    quit: record('quit'),
  };
  return fake;
}
