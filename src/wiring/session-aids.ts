// What the screen's session has besides the turn pipeline: the semantic answer cache, the model
// classifier's second opinion and the labels kept for retraining the router.
import { appendFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dataDir } from '../config/paths.js';
import { redact } from '../core/secrets.js';
import { createSemanticCache, semanticCacheStore, type SemanticCache } from '../cache/index.js';
import type { GatewayCacheKit } from '../gateway/semantic.js';
import { embedText } from '../local/embed.js';
import { ollamaClassifierClient } from '../local/classifier-client.js';
import {
  modelClassify,
  type ClassifierClient,
  type ModelVerdict,
} from '../router/model-classify.js';
import { providerClassifierClient } from '../providers/classifier-client.js';
import { parseModelRef } from '../core/model-ref.js';
import {
  OVERRIDES_FILE,
  overrideLine,
  parseOverrides,
  type OverrideLabel,
} from '../router/overrides.js';
import { committedDim } from '../router/trained.js';
import type { Classification, RouteDecision } from '../router/types.js';
import type { Tier } from '../core/tier.js';
import { CacheFlow, type CacheFlowDeps } from '../session/cache-flow.js';
import type { Core } from './build.js';
import { gitHead } from './git.js';
import { quotedFileReader } from './quoted-files.js';

/** Where the model classifier's agreement with the offline one is kept for retraining. */
export const AGREEMENT_FILE = 'router/agreement.jsonl';

function appendLine(path: string, line: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  appendFileSync(path, `${line}\n`, { mode: 0o600 });
}

/** The semantic cache over the first Ollama host's embeddings; undefined without a host. */
export function buildSemanticCache(core: Core): SemanticCache | undefined {
  const settings = () => core.config.get().cache.semantic;
  const host = core.local.hosts[0]?.host.url;
  if (!host) return undefined;
  return createSemanticCache({
    store: semanticCacheStore({ dataDir: dataDir(core.env), settings }),
    config: settings,
    redact,
    embed: (text) => {
      const keepAlive = core.config.get().local.keepAlive;
      return embedText(text, {
        host,
        model: settings().model,
        ...(typeof keepAlive === 'string' ? { keepAlive } : {}),
      });
    },
  });
}

export function buildCacheFlow(core: Core, notify: CacheFlowDeps['notify']): CacheFlow {
  return new CacheFlow({
    cache: buildSemanticCache(core),
    enabled: () => core.config.get().cache.semantic.enabled,
    system: core.runner.system,
    readQuoted: quotedFileReader(core.cwd),
    gitHead: () => gitHead(core.cwd),
    notify,
  });
}

/** The gateway's view of the cache: on per client, hits booked like the screen's. */
export function gatewayCache(
  core: Core,
  notify: (text: string) => void,
): GatewayCacheKit | undefined {
  const cache = buildSemanticCache(core);
  if (!cache) return undefined;
  return {
    cache,
    enabled: (client) => {
      const settings = core.config.get().cache.semantic;
      return settings.enabled && settings.gatewayClients[client] !== false;
    },
    append: (record) => core.turnLedger.append(record),
    notify,
  };
}

/**
 * Who answers for the model classifier (routing.modelClassifier): the smallest resident model of
 * the first Ollama host, a named model, or nobody (off, no host, no key).
 */
function classifierClient(
  core: Core,
  busy: readonly string[] = [],
  tooSlow: readonly string[] = [],
): ClassifierClient | { unavailable: string } | undefined {
  const config = core.config.get();
  const choice = config.routing.modelClassifier;
  if (choice === 'off') return undefined;
  const host = core.local.hosts[0]?.host.url;
  if (choice === 'auto') {
    if (!host || !core.local.adapter()) return undefined;
    const avoid = [
      ...busy.flatMap((id) => (id.startsWith('ollama/') ? [id.slice('ollama/'.length)] : [])),
      ...tooSlow,
    ];
    return ollamaClassifierClient({ host, keepAlive: config.local.keepAlive, avoid });
  }
  const ref = parseModelRef(choice);
  if (ref.provider === 'ollama') {
    if (!core.local.adapter()) return undefined;
    const on = core.local.hostFor(ref.model).host.url;
    return ollamaClassifierClient({
      host: on,
      keepAlive: config.local.keepAlive,
      model: ref.model,
    });
  }
  if (!core.hasKey(ref.provider))
    return { unavailable: `no API key for ${ref.provider} (routing.modelClassifier ${choice})` };
  return providerClassifierClient(core.runner.providerFor(ref), ref);
}

/**
 * Misses of the time budget in a row after which `auto` stops asking a model, until kirikae
 * restarts: each miss costs the card its whole wait (routing.classifierTimeoutMs), on every
 * turn the offline classifier is unsure of — about one in four. A model too big or too busy to
 * answer a 700-token prompt in time will not start to between turns.
 */
export const CLASSIFIER_STRIKES = 2;

/** The model classifier, bounded by its own time budget; the verdict carries the call to book. */
export function classifierFor(
  core: Core,
): (
  prompt: string,
  base: Classification,
  signal?: AbortSignal,
  busy?: readonly string[],
) => Promise<ModelVerdict> {
  // Ollama names of the models `auto` asked, with their misses in a row.
  const misses = new Map<string, number>();
  const tooSlow = () =>
    [...misses].filter(([, n]) => n >= CLASSIFIER_STRIKES).map(([model]) => model);
  const tally = (verdict: ModelVerdict): ModelVerdict => {
    const ref = verdict.call?.ref;
    if (core.config.get().routing.modelClassifier !== 'auto' || !ref?.startsWith('ollama/'))
      return verdict;
    const model = ref.slice('ollama/'.length);
    if (verdict.outcome === 'answered') misses.delete(model);
    if (verdict.outcome !== 'timeout') return verdict;
    const n = (misses.get(model) ?? 0) + 1;
    misses.set(model, n);
    return n === CLASSIFIER_STRIKES ? { ...verdict, dropped: true } : verdict;
  };
  return async (prompt, base, signal, busy) => {
    const config = core.config.get();
    const client = classifierClient(core, busy, tooSlow());
    if (!client || 'unavailable' in client)
      return {
        classification: base,
        outcome: 'unavailable',
        ms: 0,
        ...(client ? { why: client.unavailable } : {}),
      };
    return tally(
      await modelClassify(prompt, base, {
        client,
        ...(signal ? { signal } : {}),
        // The caller already decided the offline verdict is unsure (routing.askModelBelow).
        always: true,
        timeoutMs: config.routing.classifierTimeoutMs,
        userTable: config.routing.table,
      }),
    );
  };
}

/** Retraining labels under the data dir; a write failure is told once, never fatal. */
export function routerLabels(
  env: NodeJS.ProcessEnv,
  notify: (text: string) => void,
): {
  agreement(prompt: string, verdict: ModelVerdict): void;
  override(prompt: string, decision: RouteDecision, tier: Tier): void;
} {
  const root = dataDir(env);
  let failed = false;
  const write = (file: string, line: string) => {
    try {
      appendLine(join(root, file), line);
    } catch (error) {
      if (!failed) notify(`Router labels not saved: ${String(error)}`);
      failed = true;
    }
  };
  return {
    agreement: (prompt, verdict) =>
      write(
        AGREEMENT_FILE,
        JSON.stringify({
          kind: 'agreement',
          at: new Date().toISOString(),
          text: redact(prompt),
          model: verdict.model,
          ms: verdict.ms,
          agreement: verdict.agreement,
          taskType: verdict.classification.baseTaskType,
          complexity: verdict.classification.complexity,
        }),
      ),
    override: (prompt, decision, tier) => {
      if (decision.chosen.tier === null) return;
      // "ok do it" re-routed is a choice about the task it continues, not about these words:
      // as a label it would teach the classifier that they mean that tier.
      if (decision.signals.includes('continues-previous')) return;
      write(
        OVERRIDES_FILE,
        overrideLine({
          prompt: redact(prompt),
          tier,
          proposedTier: decision.chosen.tier,
          taskType: decision.taskType,
          complexity: decision.complexity,
          dim: committedDim(),
        }),
      );
    },
  };
}

/** The user's past overrides, parsed; read again only when the file changed. */
export function pastOverrides(env: NodeJS.ProcessEnv): () => readonly OverrideLabel[] {
  const file = join(dataDir(env), OVERRIDES_FILE);
  let stamp = '';
  let labels: readonly OverrideLabel[] = [];
  return () => {
    let now = 'missing';
    try {
      const s = statSync(file);
      now = `${s.size}:${s.mtimeMs}`;
    } catch {
      // no overrides yet
    }
    if (now !== stamp) {
      stamp = now;
      try {
        labels = parseOverrides(readFileSync(file, 'utf8'));
      } catch {
        labels = [];
      }
    }
    return labels;
  };
}
