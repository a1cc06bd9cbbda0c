import type { Config } from '../config/schema.js';
import type { Message, ToolSpec } from '../core/message.js';
import type { LedgerRecord } from '../core/records.js';
import type { SentState } from './cache.js';
import {
  addToFolds,
  historyFolds,
  statsOf,
  type HistoryFolds,
  type HistoryStats,
} from './history-folds.js';
import { TokenCounter, countRequest, type RequestTokens } from './tokens.js';
import type { RouteOverride } from './types.js';

export type { HistoryStats } from './history-folds.js';

/**
 * What the router remembers across turns of one session: token counts of every message seen,
 * what each model was last sent (its prompt-cache state), and the session's route override.
 * One per conversation; not persisted.
 */
export class RouterSession {
  readonly tokens = new TokenCounter();
  private readonly sent = new Map<string, SentState>();
  private sessionOverride: RouteOverride | undefined;
  /** `provider/model` of the last call in this session. */
  lastModel: string | undefined;
  private statsMemo:
    | {
        history: readonly LedgerRecord[];
        length: number;
        /** The history's last record then: still there at `length - 1` means only appended to. */
        last: LedgerRecord | undefined;
        version?: number;
        config: Config;
        stats: HistoryStats;
        folds: HistoryFolds;
      }
    | undefined;

  /** Force a tier or model for the rest of the session. Never written to the config. */
  setOverride(override: RouteOverride | undefined): void {
    this.sessionOverride =
      override && (override.tier !== undefined || override.model) ? { ...override } : undefined;
  }

  get override(): RouteOverride | undefined {
    return this.sessionOverride;
  }

  /**
   * Call after each model call with exactly what was sent (the whole conversation including the
   * prompt): the model now holds that prefix in its prompt cache until the TTL passes.
   */
  noteSent(
    model: string,
    request: { system?: string; tools?: readonly ToolSpec[]; messages: readonly Message[] },
    at: number = Date.now(),
  ): void {
    const counted = countRequest(this.tokens, request);
    this.sent.set(model, {
      at,
      messageCount: request.messages.length,
      tokens: counted.total,
      lastMessage: request.messages[request.messages.length - 1],
      systemTokens: counted.system,
      toolTokens: counted.tools,
    });
    this.lastModel = model;
  }

  /** Drops a model's cache state (the provider reported a cache miss, or the model was unloaded). */
  forgetCache(model: string): void {
    this.sent.delete(model);
  }

  /**
   * Raw tokens of the current request that `model` still holds warm: the prefix it was last
   * sent, if that was within `ttlMs` and the conversation only grew since (same system prompt and
   * tools, same message at the same position). 0 when cold.
   */
  warmPrefix(
    model: string,
    request: { messages: readonly Message[]; counted: RequestTokens },
    now: number,
    ttlMs: number,
  ): number {
    const state = this.sent.get(model);
    if (!state || now - state.at > ttlMs) return 0;
    const { messages, counted } = request;
    if (counted.system !== state.systemTokens || counted.tools !== state.toolTokens) return 0;
    if (state.messageCount === 0) return state.tokens;
    const index = state.messageCount - 1;
    const current = messages[index];
    if (!current || counted.prefix[index] !== state.tokens) return 0;
    // Same size is not enough: the message at the end of the cached prefix must be the same.
    const same = current === state.lastMessage || current.content === state.lastMessage?.content;
    return same ? state.tokens : 0;
  }

  /**
   * Figures learned from the ledger, recomputed only when the history changes: by its version
   * when the caller has one (a HistoryStore), else by array identity and length.
   */
  stats(history: readonly LedgerRecord[], config: Config, version?: number): HistoryStats {
    const memo = this.statsMemo;
    // An empty history is the same whatever array holds it.
    const sameHistory =
      version !== undefined
        ? memo?.version === version
        : memo?.history === history || (memo?.length === 0 && !history.length);
    if (memo && sameHistory && memo.length === history.length && memo.config === config) {
      return memo.stats;
    }
    // Only appended to since (the record that was last is still in its place): the new records
    // are folded in, instead of another pass over the month on every call.
    const appended =
      memo !== undefined &&
      memo.history === history &&
      memo.config === config &&
      history.length > memo.length &&
      history[memo.length - 1] === memo.last;
    const folds = appended ? memo.folds : historyFolds(config);
    addToFolds(folds, history, appended ? memo.length : 0);
    const stats = statsOf(folds);
    this.statsMemo = {
      history,
      length: history.length,
      last: history[history.length - 1],
      version,
      config,
      stats,
      folds,
    };
    return stats;
  }
}
