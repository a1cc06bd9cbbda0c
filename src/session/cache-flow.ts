import type { Message } from '../core/message.js';
import type { Tier } from '../core/tier.js';
import {
  conversationLines,
  hitLine,
  pathsIn,
  skipText,
  type CacheHit,
  type LookupResult,
  type SemanticCache,
  type TurnQuestion,
} from '../cache/index.js';
import type { TurnResult } from './turn-runner.js';

export interface CacheFlowDeps {
  /** The semantic cache; undefined when it could not be built (the session runs without it). */
  cache: SemanticCache | undefined;
  /** Read on every turn, so `/cache on|off` applies at once. */
  enabled(): boolean;
  system: string;
  /** A quoted file's text, confined to the workspace; undefined when it is not a readable file. */
  readQuoted(path: string): string | undefined;
  /** HEAD of the workspace's repository (a full SHA), null outside one. */
  gitHead(): string | null;
  notify(level: 'info' | 'warn' | 'error', text: string): void;
}

/** A hit waiting on the route card, with the question it answered. */
export interface CachedOffer {
  hit: CacheHit;
  line: string;
}

/**
 * The semantic cache as a turn sees it: the question built from the session's own data (the
 * conversation before the prompt, the files it names, the git HEAD), looked up before the route
 * is offered and remembered after the turn when it only produced text. Every rule about what
 * may be served lives in src/cache; this only gathers the inputs and says what happened.
 */
export class CacheFlow {
  private lastSkip: string | undefined;

  constructor(private readonly deps: CacheFlowDeps) {}

  /** On, and built: a lookup may happen. */
  active(): boolean {
    return this.deps.cache !== undefined && this.deps.enabled();
  }

  question(prompt: string, messages: readonly Message[], tier: Tier | null): TurnQuestion {
    const files: { path: string; content: string }[] = [];
    for (const path of pathsIn(prompt)) {
      const content = this.deps.readQuoted(path);
      if (content !== undefined) files.push({ path, content });
    }
    return {
      prompt,
      conversation: conversationLines(this.deps.system, messages),
      files,
      gitHead: this.deps.gitHead(),
      tier,
    };
  }

  /** The cached answer for this question, if one may be served; never throws. */
  async lookup(question: TurnQuestion): Promise<CachedOffer | undefined> {
    const cache = this.deps.cache;
    if (!cache || !this.deps.enabled()) return undefined;
    let result: LookupResult;
    try {
      result = await cache.lookup(question);
    } catch (error) {
      this.deps.notify('warn', `semantic cache: ${String(error)}`);
      return undefined;
    } finally {
      this.flushNotices();
    }
    return 'hit' in result ? { hit: result.hit, line: hitLine(result.hit) } : undefined;
  }

  /** After a turn: stores its answer when the cache's rules allow it. */
  async remember(question: TurnQuestion, result: TurnResult): Promise<void> {
    const cache = this.deps.cache;
    if (!cache || !this.deps.enabled()) return;
    const added = result.agent?.newMessages ?? [];
    const answer = [...result.messages].reverse().find((m) => m.role === 'assistant');
    try {
      const stored = await cache.remember(question, {
        answer: answer?.role === 'assistant' ? answer.content : '',
        model: result.model,
        tier: result.tier,
        usd: result.cost.unknown ? null : result.cost.usd,
        toolCalls: added.reduce(
          (n, m) => n + (m.role === 'assistant' ? (m.toolCalls?.length ?? 0) : 0),
          0,
        ),
        changedFiles: result.agent?.filesChanged.length ?? 0,
        outcome: result.outcome,
      });
      this.lastSkip = 'skipped' in stored ? skipText(stored.skipped) : undefined;
    } catch (error) {
      this.deps.notify('warn', `semantic cache: the answer was not stored (${String(error)})`);
    } finally {
      this.flushNotices();
    }
  }

  /** `x` on a hit: the answer was wrong; it goes, and its neighbourhood asks for more. */
  dropWrong(hit: CacheHit): string {
    const dropped = this.deps.cache?.drop(hit.id, true) ?? false;
    return dropped
      ? 'Cached answer dropped as wrong; similar questions now need a closer match'
      : 'That cached answer was already gone';
  }

  /** `/cache why`: the last lookup's verdict and, when one was skipped, why the last answer was not stored. */
  why(): string[] {
    const cache = this.deps.cache;
    if (!cache) return ['The semantic cache is not available in this session'];
    if (!this.deps.enabled()) return ['The semantic cache is off (/cache on)'];
    const lines = [cache.explainLast()];
    if (this.lastSkip) lines.push(`Last answer ${this.lastSkip}`);
    const s = cache.stats();
    lines.push(
      `${s.entries} entries · ${s.hits}/${s.lookups} lookups hit this session` +
        (s.lastEmbedMs !== null ? ` · embedding ${Math.round(s.lastEmbedMs)} ms` : '') +
        (s.lastLookupMs !== null ? ` · lookup ${s.lastLookupMs.toFixed(1)} ms` : ''),
    );
    return lines;
  }

  private flushNotices(): void {
    for (const text of this.deps.cache?.takeNotices() ?? []) this.deps.notify('warn', text);
  }
}
