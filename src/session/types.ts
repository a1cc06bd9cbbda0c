import type { HostStatusView } from './status.js';
import type { ErrorKind } from '../core/errors.js';
import type { TaskType } from '../core/task.js';
import type { Tier } from '../core/tier.js';
import type { Usage } from '../core/usage.js';

/** What the UI shows of one route option: plain data, no router internals. */
export interface RouteView {
  model: string;
  /** null for a model outside the tier table (a /model override). */
  tier: Tier | null;
  available: boolean;
  unavailableReason?: string;
  needsConfirmation?: string;
  coldCache: boolean;
  loadSeconds?: number;
  /** Local models: what accepting this route loads and unloads ("loads … · unloads … · left"). */
  localPlan?: string;
  /** A retired or retiring model, with its replacement. */
  retirement?: string;
  /** Where its success rate comes from, in words. */
  successWhy?: string;
  estimate: {
    inputTokens: number;
    cacheReadTokens: number;
    cacheWriteTokens: number;
    outputTokens: number;
    usdP50: number | null;
    usdP90: number | null;
    expectedUsdPerTask: number | null;
    pSuccess: number;
    seconds: number;
  };
}

export interface RouteProposal {
  prompt: string;
  taskType: TaskType;
  complexity: number;
  reasons: string[];
  warnings: string[];
  /** Index into `options` of the route the user has selected (starts at the proposed one). */
  selected: number;
  /** Proposed first, then alternatives (more models of every tier, so 0–4 and ←/→ can pick). */
  options: RouteView[];
  /** Set when this card proposes a retry one tier up after failed tests. */
  escalation?: { summary: string; attempt: number; retriesLeft: number };
  /** A semantic-cache hit shown first: Enter serves it for $0, `r` routes anyway, `x` drops it. */
  cached?: { line: string; answer: string };
  /** How sure the classification is and who made it ("trained 0.62", "model qwen3:8b 0.80"). */
  classifier?: { source: string; confidence: number; detail?: string };
  /** The model classifier is being asked (the card can be accepted before it answers). */
  classifying?: boolean;
  /** The route follows the user's own earlier overrides of prompts like this one. */
  pastChoice?: { count: number; tier: Tier };
  /** Delegate mode: the executor this turn hands sub-tasks to, and the ledger's warning. */
  delegate?: { line: string; warning?: string };
}

export type TranscriptItem =
  | { id: number; kind: 'user'; text: string }
  | {
      id: number;
      kind: 'assistant';
      text: string;
      model: string;
      /** Said by a delegated turn's executor (this model), not by the model the user talks to. */
      executor?: string;
      /** The rest of an answer whose first paragraphs are printed above it (no header again). */
      continued?: boolean;
    }
  | {
      id: number;
      kind: 'tool';
      name: string;
      summary: string;
      ok: boolean;
      detail?: string;
      /** Run by a delegated turn's executor (this model). */
      executor?: string;
    }
  | {
      id: number;
      kind: 'turn';
      model: string;
      tier: Tier | null;
      usage: Usage;
      /** null when any call of the turn had no known price (never 0 for unknown). */
      costUsd: number | null;
      /** With costUsd null: the priced part, shown as "$0.093 + ?". */
      knownUsd?: number;
      tokPerSec?: number;
      durationMs: number;
      how: string;
      outcome: 'ok' | 'error' | 'aborted';
      /** Served from the semantic cache: no model ran, so no tokens or time to show. */
      cached?: true;
    }
  | { id: number; kind: 'notice'; level: 'info' | 'warn' | 'error'; text: string };

export interface LiveTurn {
  model: string;
  tier: Tier | null;
  text: string;
  status: 'waiting' | 'streaming' | 'tool' | 'verifying';
  tool?: string;
  startedAt: number;
  /** When the first text arrived (the live tok/s is counted from here). */
  firstTokenAt?: number;
  outputTokens: number;
  /** Waiting to retry the same call: "429 from Anthropic", and when the wait ends (ms). */
  retry?: { reason: string; until: number };
  /** The text streaming is a delegated sub-task's executor's (this model). */
  executor?: string;
}

export interface ApprovalView {
  tool: string;
  /** The call in one line and why it asks ("$ npm test — running commands needs approval"). */
  summary: string;
  /** Why it asks, alone: beside the whole command the one-line summary would repeat it. */
  reason?: string;
  diff?: string;
  /** The whole command (or other detail), shown as it is, control characters made visible. */
  detail?: string;
}

export interface ResidentView {
  name: string;
  bytes: number;
}

export interface StatusView {
  memory?: { usedBytes: number; totalBytes: number; pressure: 'normal' | 'warn' | 'critical' };
  resident: ResidentView[];
  /** Recent tok/s samples of the live or last stream, newest last. */
  tokPerSec: number[];
  sessionUsd: number;
  /** Calls this session whose price is unknown: the status bar shows "$0.093 + ?". */
  sessionUnpriced?: number;
  monthUsd: number;
  budgetUsd: number;
  route?: string;
  /** Every Ollama host when there are two or more (status.ts hostStatusViews). */
  hosts?: readonly HostStatusView[];
}

export type Screen = 'chat' | 'models' | 'pull' | 'costs' | 'help';

export interface Notice {
  level: 'info' | 'warn' | 'error';
  text: string;
  kind?: ErrorKind;
}

export interface AppState {
  folder: string;
  branch?: string;
  screen: Screen;
  transcript: TranscriptItem[];
  live?: LiveTurn;
  proposal?: RouteProposal;
  approval?: ApprovalView;
  notice?: Notice;
  status: StatusView;
  setupProblems: string[];
  themeName: string;
  /** The last route decision, for /route. */
  lastRouteExplanation?: string[];
  sessionOverride?: string;
  /** Bumped by /clear: the UI wipes the terminal and restarts the transcript. */
  clearEpoch: number;
  /** Wall clock of the last refresh (ms), so renders stay pure. */
  now: number;
  exiting: boolean;
}

export type ApprovalDecision = 'once' | 'session' | 'always' | 'deny';
export type OverrideScope = 'turn' | 'session';

/** Everything the UI may ask of the app. The UI never touches SDKs, files or processes. */
export interface AppController {
  getState(): AppState;
  subscribe(listener: () => void): () => void;
  submit(prompt: string): void;
  acceptRoute(): void;
  selectTier(tier: Tier): void;
  cycleModel(direction: -1 | 1): void;
  /** `a`: this route for this task type for the rest of the session; `A` also saves the rule. */
  alwaysRoute(save: boolean): void;
  /** Esc on the route card: nothing is sent; returns the prompt to put back in the input. */
  cancelRoute(): string | undefined;
  /** `r` on a cached answer: ignore it and route the prompt as usual. */
  routeAnyway(): void;
  /** `x` on a cached answer: it was wrong; drop it and route the prompt. */
  dropCachedAnswer(): void;
  /** `/delegate on [executor]|off`; `d` on the card toggles it (executor undefined). */
  setDelegate(on: boolean, executor?: string): void;
  toggleDelegate(): void;
  /** /cache on|off. */
  setCache(on: boolean): void;
  /** /cache why: the last lookup's verdict. */
  explainCache(): void;
  interrupt(): void;
  /** `f` while a retry is being waited out: stop waiting and fall back down the chain now. */
  fallbackNow(): void;
  answerApproval(decision: ApprovalDecision, note?: string): void;
  setScreen(screen: Screen): void;
  setModelOverride(model: string | undefined, scope: OverrideScope): void;
  setTierOverride(tier: Tier | undefined, scope: OverrideScope): void;
  setAutoAccept(on: boolean): void;
  explainLastRoute(): void;
  newTask(): void;
  doneTask(): void;
  clearTranscript(): void;
  setTheme(name: string): void;
  setBudget(usd: number): void;
  notify(level: Notice['level'], text: string): void;
  quit(): void;
}

/** A transcript item before it gets its id (Omit that distributes over the union). */
export type NewTranscriptItem = TranscriptItem extends infer T
  ? T extends unknown
    ? Omit<T, 'id'>
    : never
  : never;
