import type { Config } from '../config/schema.js';
import type { Complexity, TaskType } from '../core/task.js';
import type { LedgerRecord } from '../core/records.js';
import type { Message, ToolSpec } from '../core/message.js';
import type { ProviderId } from '../core/model-ref.js';
import type { Tier } from '../core/tier.js';
import type { CooldownState } from './cooldown.js';
import type { OverrideLabel } from './overrides.js';
import type { TierChoice } from './table.js';
import type { HistoryStats, RouterSession } from './session.js';

/** Facts about the session the classifier may use besides the prompt text. */
export interface SessionFacts {
  /** Tokens already in the conversation (the router fills this in from its own count). */
  conversationTokens?: number;
  /** Files the user attached or the session is working on (prompt mentions are found too). */
  filesNamed?: readonly string[];
  /** Size of the pending diff, in changed lines. */
  diffLines?: number;
  /** The session saw a stack trace (a tool result, a pasted log); the prompt is scanned too. */
  hasStackTrace?: boolean;
  /** This turn follows an attempt that failed (tests red, user said it did not work). */
  followUpOfFailure?: boolean;
  /** Task type of the previous turn, used to resolve vague follow-ups ("still broken"). */
  previousTaskType?: TaskType;
  /**
   * The tier of the task's attempt that failed, while the task awaits its retry: the table's tier
   * is raised to it, never below (a weaker model redoing a stronger one's failed work is the
   * likeliest second failure). Not a classifier feature; an override or saved rule still wins
   * (route-choice.ts retryFloorFor has the rest). Absent when the failed model is in no
   * configured tier (a forced `--model`): then there is no floor.
   */
  failedTier?: Tier;
}

export interface Classification {
  taskType: TaskType;
  /** What the prompt itself asked for, before the long-conversation rule applied. */
  baseTaskType: TaskType;
  complexity: Complexity;
  /** 0–1; below routing.askModelBelow the optional model classifier may be asked. */
  confidence: number;
  /** Human-readable evidence, e.g. `kw:refactor`, `ja:バグ`, `stack-trace`, `files:3`. */
  signals: string[];
  /** Which classifier decided: the hand rules, the trained model, the model classifier, or the user. */
  source: 'rules' | 'trained' | 'model' | 'override';
}

/** Force a tier or a model for one turn or for the rest of the session. */
export interface RouteOverride {
  tier?: Tier;
  /** `provider/model`. Wins over `tier` when both are set. */
  model?: string;
  /**
   * Who forced the route, when it was not the user's key: the reason line says this instead of
   * "override for this turn" (delegate mode's planner tier).
   */
  why?: string;
}

/**
 * What the router needs from the local-model module. `installed`/`resident` answer for names as
 * Ollama lists them (`qwen3-coder:30b`); `fits` answers for the memory budget at a context size.
 */
export interface LocalAdapter {
  installed(model: string): boolean;
  resident(model: string): boolean;
  fits(model: string, numCtx: number): boolean;
  loadSeconds(model: string): number;
  /** The model's real context window when known (from /api/show); else the catalog default. */
  contextWindow?(model: string): number | undefined;
  /** Whether the model can take a turn with tools (its /api/show capabilities). */
  supportsTools?(model: string): boolean;
  /** What loading the model would do, in one line ("loads … · unloads … · 6 GiB left"). */
  planLine?(model: string, numCtx: number): string | undefined;
}

export interface RouteInput {
  /** The new user prompt of this turn. */
  prompt: string;
  system?: string;
  tools?: readonly ToolSpec[];
  /** The conversation before this prompt. Keep message objects stable: counts are cached by identity. */
  messages?: readonly Message[];
  facts?: SessionFacts;
  /** Forces the route of this turn only (wins over a session override and saved rules). */
  override?: RouteOverride;
  /** A classification computed elsewhere (e.g. by the model classifier); skips the rules. */
  classification?: Classification;
}

export interface RouteContext {
  config: Config;
  session: RouterSession;
  /**
   * Past ledger records (calls, verifies, tasks), oldest first. Plain data: the caller reads the
   * ledger. Learned figures are memoised per array, so pass the same array while it is unchanged.
   */
  history: readonly LedgerRecord[];
  /** Changes whenever `history` changes (a HistoryStore's version); learned figures are memoised on it. */
  historyVersion?: number;
  /**
   * The figures learned from the ledger, when the caller has them without its records
   * (`kirikae route` reads them from the ledger's checkpoints, ledger/router-figures.ts): then
   * `history` is not read. The same figures `session.stats(history)` gives for those records.
   */
  learned?: HistoryStats;
  hasKey(provider: ProviderId): boolean;
  /** Local models. Absent: every local route is unavailable with `localUnavailableReason`. */
  local?: LocalAdapter;
  localUnavailableReason?: string;
  /** Spend of the current calendar month in USD, from the ledger. */
  monthSpendUsd?: number;
  cooldown?: CooldownState;
  /** Measured watts of local inference (telemetry); defaults to config.local.defaultWatts. */
  localWatts?: number;
  /** Epoch ms; injected so cache TTLs and cooldowns are testable. */
  now?: number;
  /**
   * The user's past overrides (`<dataDir>/router/overrides.jsonl`, parsed), oldest first: a
   * prompt near-identical to one the user sent to a tier of their choosing goes there again.
   * Pass the same array while the file is unchanged (their norms are memoised per array).
   */
  overrides?: readonly OverrideLabel[];
}

export interface RouteEstimate {
  /** All input tokens of the request (uncached + cache read + cache write), family-corrected. */
  inputTokens: number;
  /** What the tokenizer counted before the per-family correction (record this in the ledger). */
  rawInputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Output tokens, p50. */
  outputTokens: number;
  outputTokensP90: number;
  /** null when the model has no known price: never 0 for unknown. */
  usdP50: number | null;
  usdP90: number | null;
  expectedUsdPerTask: number | null;
  pSuccess: number;
  /** Wall-clock seconds at p50, including a model load. */
  seconds: number;
  /** Local routes: the electricity part of the USD figures. */
  energyUsd?: number;
}

export interface RouteOption {
  /** `provider/model`. */
  model: string;
  tier: Tier | null;
  available: boolean;
  unavailableReason?: string;
  needsConfirmation?: boolean;
  confirmReason?: string;
  /** The request starts without a warm prompt cache on this model. */
  coldCache: boolean;
  loadsModel?: { seconds: number };
  /** Local models: the residency plan the user accepts with the route. */
  localPlan?: string;
  /** Where p(success) comes from ("success 56% — 2 of 4 bugfixes by … passed their tests"). */
  successWhy?: string;
  estimate: RouteEstimate;
}

export interface RouteDecision {
  taskType: TaskType;
  complexity: Complexity;
  confidence: number;
  signals: string[];
  /** Which classifier settled the task type (the card and `kirikae route --json` show it). */
  classifier: Classification['source'];
  /** Tier the table (or a rule/override) asked for before costs were compared. */
  tableTier: Tier;
  /** The table's own tier, when a retry after a failure raised `tableTier` to the failed one. */
  raisedFrom?: Tier;
  /** Where the tier came from. */
  source: TierChoice['source'];
  /** The tier follows the user's own choices for prompts like this one (the card says so). */
  followsPastChoice?: { count: number; tier: Tier };
  /** The route to take. When `chosen.available` is false nothing can run (see warnings). */
  chosen: RouteOption;
  /** The next 2–3 available routes, then unavailable ones with why. */
  alternatives: RouteOption[];
  /**
   * Every configured model priced for this turn, ranked (available first). The route card's
   * 0–4 and ←/→ pick from these: a key press never re-runs the router.
   */
  options: RouteOption[];
  reasons: string[];
  warnings: string[];
}
