import { randomUUID } from 'node:crypto';
import { isKirikaeError } from '../core/errors.js';
import { contextMismatch, contextOf } from './context.js';
import { CacheEntries } from './entries.js';
import { explainResult } from './explain.js';
import { actionIn, uncacheableTurn } from './rules.js';
import type { CacheStore } from './store.js';
import { normalized } from './vectors.js';
import type {
  CacheEntry,
  LookupResult,
  MissReason,
  RememberResult,
  SemanticCacheSettings,
  TurnQuestion,
  TurnResult,
} from './types.js';

/*
 * The semantic cache as the session sees it: `lookup` before a turn is routed, `remember`
 * after it finished, `drop` when the user marks a served answer wrong, `explainLast` for
 * `/cache why`. Every decision is made here from plain data; the store and the embedding call
 * are handed in, so the rules are tested without Ollama or a file.
 */

/** Embeds one text; throws (a KirikaeError from src/local/embed.ts) when it cannot. */
export type Embed = (text: string) => Promise<{ vector: number[]; durationMs: number }>;

export interface SemanticCacheDeps {
  store: CacheStore;
  embed: Embed;
  /** Read on every call, so `/cache on|off` and config edits apply at once. */
  config: () => SemanticCacheSettings;
  now?: () => number;
  /** Returns its input unchanged when it holds no secret (src/core/secrets.ts redact). */
  redact?: (text: string) => string;
  newId?: () => string;
}

export interface SemanticCacheStats {
  entries: number;
  lookups: number;
  hits: number;
  /** Duration of the last embedding call, ms (shown beside the lookup's own time). */
  lastEmbedMs: number | null;
  /** Duration of the last lookup without the embedding call, ms. */
  lastLookupMs: number | null;
  location: string;
}

export interface SemanticCache {
  lookup(question: TurnQuestion): Promise<LookupResult>;
  remember(question: TurnQuestion, result: TurnResult): Promise<RememberResult>;
  /** Removes an entry; `wrong` (the `x` key on a hit) also tightens its neighbourhood. */
  drop(id: string, wrong: boolean): boolean;
  clear(): void;
  /** Live entries, oldest first (without vectors): `kirikae cache list|export`. */
  list(): CacheEntry[];
  explainLast(): string;
  stats(): SemanticCacheStats;
  /**
   * Things to tell the user once each (store rebuilt after corruption, embeddings unavailable,
   * a shared store unreachable); returned once, then forgotten.
   */
  takeNotices(): string[];
  /**
   * Reads what other processes stored. A lookup does this itself; `list` and `stats` read only
   * what is at hand, so call this first where a shared store (Redis) must be current.
   */
  catchUp(): Promise<void>;
  /** Ends the store's connection, if it has one. */
  close(): Promise<void>;
}

/** Scored candidates per lookup (see index.ts): the nearest by signature, then exact. */
const CANDIDATES = 64;
/** After a failed embedding call, try again only after this long (Ollama may come back). */
const RETRY_EMBED_MS = 5 * 60_000;

export function createSemanticCache(deps: SemanticCacheDeps): SemanticCache {
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? randomUUID;
  const redact = deps.redact ?? ((text: string) => text);
  let state = new CacheEntries();
  let loaded = false;
  let last: LookupResult | undefined;
  let lastEmbed: { prompt: string; vector: Float32Array } | undefined;
  let embedFailure: { at: number; detail: string } | undefined;
  let lookups = 0;
  let hits = 0;
  let lastEmbedMs: number | null = null;
  let lastLookupMs: number | null = null;
  const notices: string[] = [];

  /** Reads what this and other processes appended; rebuilds a store with corrupted lines. */
  const sync = (): void => {
    const read = deps.store.readNew();
    if (read.reset) state = new CacheEntries();
    for (const op of read.ops) state.apply(op);
    if (read.ops.length >= 10_000) state.warm();
    if (read.skipped > 0) {
      deps.store.rewrite(state.snapshot());
      state.lines = state.size + state.wrongMarks;
      notices.push(
        `semantic cache: ${read.skipped} corrupted line(s) in ${deps.store.location} dropped; the store was rebuilt with ${state.size} entries`,
      );
    }
    loaded = true;
  };

  /** TTL and maxEntries: applied after a lookup, so an expired neighbour can be named as the reason. */
  const evict = (): void => {
    const settings = deps.config();
    state.evict(now(), settings.ttlHours * 3_600_000, settings.maxEntries);
  };

  const compactIfDue = (): void => {
    if (state.lines > 2 * (state.size + state.wrongMarks) + 100) {
      deps.store.rewrite(state.snapshot());
      state.lines = state.size + state.wrongMarks;
    }
  };

  /** The prompt's unit vector, or the reason there is none. */
  const vectorOf = async (prompt: string): Promise<Float32Array | { detail: string }> => {
    if (lastEmbed?.prompt === prompt) return lastEmbed.vector;
    if (embedFailure && now() - embedFailure.at < RETRY_EMBED_MS) {
      return { detail: embedFailure.detail };
    }
    try {
      const { vector, durationMs } = await deps.embed(prompt);
      lastEmbedMs = durationMs;
      const unit = normalized(vector);
      if (!unit) throw new Error('the embedding model returned an empty vector');
      embedFailure = undefined;
      lastEmbed = { prompt, vector: unit };
      return unit;
    } catch (error) {
      const detail = isKirikaeError(error)
        ? error.describe()
        : error instanceof Error
          ? error.message
          : String(error);
      if (!embedFailure) notices.push(`semantic cache off for now: ${detail}`);
      embedFailure = { at: now(), detail };
      return { detail };
    }
  };

  const finish = (result: LookupResult): LookupResult => {
    last = result;
    if (loaded) evict();
    if ('hit' in result) hits += 1;
    return result;
  };

  const miss = (reason: MissReason): LookupResult => finish({ miss: reason });

  return {
    async lookup(question) {
      lookups += 1;
      const settings = deps.config();
      if (!settings.enabled) return miss({ kind: 'disabled' });
      const action = actionIn(question.prompt);
      if (action) return miss({ kind: 'action_prompt', detail: action });
      await deps.store.refresh?.();
      sync();
      if (state.size === 0) return miss({ kind: 'empty' });
      const vector = await vectorOf(question.prompt);
      if (!(vector instanceof Float32Array)) return miss({ kind: 'unavailable', ...vector });

      const started = performance.now();
      const at = now();
      const ttlMs = settings.ttlHours * 3_600_000;
      const threshold = state.thresholdFor(vector, settings.threshold);
      const context = contextOf(question);
      const nearest = state.nearest(vector, CANDIDATES);
      let reason: MissReason | undefined;
      for (const { entry, similarity } of nearest) {
        if (similarity < threshold) break;
        const ageMs = at - entry.storedAt;
        const mismatch =
          ageMs > ttlMs
            ? ({ kind: 'expired', similarity, ageMs } as const)
            : contextMismatch(entry, context, question.tier, similarity);
        if (mismatch) {
          reason ??= mismatch;
          continue;
        }
        lastLookupMs = performance.now() - started;
        return finish({
          hit: {
            id: entry.id,
            answer: entry.answer,
            similarity,
            model: entry.model,
            tier: entry.tier,
            usd: entry.usd,
            ageMs,
            storedAt: entry.storedAt,
            question: entry.question,
          },
        });
      }
      lastLookupMs = performance.now() - started;
      return miss(
        reason ?? {
          kind: 'below_threshold',
          similarity: nearest[0]?.similarity ?? null,
          threshold,
        },
      );
    },

    async remember(question, result) {
      const settings = deps.config();
      if (!settings.enabled) return { skipped: 'disabled' };
      if (actionIn(question.prompt)) return { skipped: 'action_prompt' };
      const unsafe = uncacheableTurn(result);
      if (unsafe) return { skipped: unsafe };
      if (redact(question.prompt) !== question.prompt || redact(result.answer) !== result.answer) {
        return { skipped: 'secret' };
      }
      if (!loaded) {
        await deps.store.refresh?.();
        sync();
      }
      const vector = await vectorOf(question.prompt);
      if (!(vector instanceof Float32Array)) return { skipped: 'unavailable' };
      if (state.dimensions !== 0 && vector.length !== state.dimensions) {
        // The embedding model changed: the old vectors cannot be compared with the new ones.
        state = new CacheEntries();
        deps.store.rewrite([]);
      }
      const entry: CacheEntry = {
        id: newId(),
        storedAt: now(),
        question: question.prompt,
        vector,
        answer: result.answer,
        model: result.model,
        tier: result.tier,
        usd: result.usd,
        context: contextOf(question),
      };
      deps.store.append({ op: 'put', entry });
      state.apply({ op: 'put', entry });
      evict();
      compactIfDue();
      return { stored: entry.id };
    },

    drop(id, wrong) {
      if (!loaded) sync();
      const vector = wrong ? state.vectorOf(id) : undefined;
      if (!state.get(id)) return false;
      const op = { op: 'drop', id, wrong, ...(vector ? { vector } : {}) } as const;
      deps.store.append(op);
      state.apply(op);
      return true;
    },

    clear() {
      state = new CacheEntries();
      deps.store.rewrite([]);
      last = undefined;
    },

    list() {
      sync();
      evict();
      return state.entries().sort((a, b) => a.storedAt - b.storedAt);
    },

    explainLast: () => explainResult(last),

    stats() {
      sync();
      evict();
      return {
        entries: state.size,
        lookups,
        hits,
        lastEmbedMs,
        lastLookupMs,
        location: deps.store.location,
      };
    },

    takeNotices() {
      return [...(deps.store.takeNotices?.() ?? []), ...notices.splice(0, notices.length)];
    },

    async catchUp() {
      await deps.store.refresh?.();
      sync();
    },

    close: async () => deps.store.close?.(),
  };
}
