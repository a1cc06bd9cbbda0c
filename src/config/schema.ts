import { z } from 'zod';
import { TASK_TYPES } from '../core/task.js';
import { PROVIDER_IDS } from '../core/model-ref.js';
import { ruleProblem } from '../core/permission-rule.js';
import { THEME_NAMES } from '../core/theme-names.js';
import { bindingProblem } from '../core/key-spec.js';
import { keepAliveSchema } from './keep-alive.js';

const modelId = z
  .string()
  .regex(/^[a-z]+\/.+$/, 'expected provider/model, e.g. anthropic/claude-sonnet-4-6')
  .refine((id) => (PROVIDER_IDS as readonly string[]).includes(id.slice(0, id.indexOf('/'))), {
    message: `provider must be one of ${PROVIDER_IDS.join(', ')}`,
  });
const tier = z.number().int().min(0).max(4);
const taskType = z.enum(TASK_TYPES);
const usd = z.number().nonnegative();

/**
 * Defaults follow the tier plan in DESIGN.md with the models current on 2026-11-30: one per vendor
 * per tier, each priced by genai-prices or a dated catalog override (src/catalog/overrides.ts);
 * the sources are listed in docs/models.md. Older ids stay selectable.
 */
export const DEFAULT_TIERS = {
  '0': ['anthropic/claude-opus-5-5', 'openai/gpt-6.2-sol'],
  '1': ['anthropic/claude-sonnet-5-5'],
  '2': ['anthropic/claude-haiku-5-5', 'openrouter/google/gemini-3.8-flash'],
  '3': ['ollama/qwen3-coder:30b', 'ollama/qwen3-coder-next', 'ollama/glm-4.7-flash'],
  '4': ['openrouter/deepseek/deepseek-v4-flash', 'openrouter/openai/gpt-oss-120b'],
};

export const DEFAULT_FALLBACK = [
  'anthropic/claude-sonnet-5-5',
  'openai/gpt-6.2-sol',
  'openrouter/deepseek/deepseek-v4-flash',
  'ollama/qwen3-coder:30b',
];

/**
 * The tier per task type at its usual complexity, checked against the labelled corpus
 * (data/router/, issue 14): the finer split by complexity is src/router/tier-table.ts. Changed
 * from the first table: `review` 3 → 1 (an ordinary PR review is standard work; only a small diff
 * is local, by complexity), `debug` 0 → 1 (most debugging is shallow — a config KeyError, a missing
 * `wg.Done()`; only the deepest goes to the frontier, by complexity), `chat` 3 → 4 (conceptual
 * questions need general knowledge, which the budget tier has and a local coder model lacks).
 */
export const DEFAULT_ROUTING_TABLE: Record<(typeof TASK_TYPES)[number], number> = {
  architecture: 0,
  debug: 1,
  refactor: 1,
  implement: 1,
  bugfix: 1,
  test: 1,
  review: 1,
  docs: 2,
  'long-context': 2,
  'quick-fix': 3,
  chat: 4,
  research: 4,
};

// Each tier defaults on its own, so a user who edits one tier keeps the others.
const tierTable = z
  .object({
    '0': z.array(modelId).default(DEFAULT_TIERS['0']),
    '1': z.array(modelId).default(DEFAULT_TIERS['1']),
    '2': z.array(modelId).default(DEFAULT_TIERS['2']),
    '3': z.array(modelId).default(DEFAULT_TIERS['3']),
    '4': z.array(modelId).default(DEFAULT_TIERS['4']),
  })
  .prefault({});

const routingRule = z.object({
  taskType,
  tier: tier.optional(),
  model: modelId.optional(),
});

// Every field is optional: one left out takes the catalog's figure for the model, or for a model
// the catalog lacks, the vendor's documented cache ratio (src/catalog/price-override.ts).
const priceOverride = z.object({
  inputMtok: usd.optional(),
  outputMtok: usd.optional(),
  cacheReadMtok: usd.optional(),
  /** 5-minute cache writes (the only kind outside Anthropic). */
  cacheWriteMtok: usd.optional(),
  /** 1-hour cache writes (Anthropic `ttl: "1h"`). */
  cacheWrite1hMtok: usd.optional(),
});

/** How long a prompt cache entry is asked to live (Anthropic: 5 m writes 1.25×, 1 h writes 2×). */
export const CACHE_TTLS = ['5m', '1h'] as const;
export type CacheTtl = (typeof CACHE_TTLS)[number];

const permissionMode = z.enum(['ask', 'accept-edits', 'read-only', 'auto']);

/** A rule the agent can match; one it never could is an error (permissions fail closed). */
const permissionRule = z.string().superRefine((rule, ctx) => {
  const problem = ruleProblem(rule);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const configSchema = z.object({
  tiers: tierTable,
  routing: z
    .object({
      table: z.partialRecord(taskType, tier).prefault({}),
      /** Conversations above this many tokens take the long-context route. */
      longContextThreshold: z.number().int().positive().default(60_000),
      /** Persisted "task type → tier/model" rules (the route card's `A` key writes these). */
      rules: z.array(routingRule).default([]),
      /** Success-rate priors per task type and tier, overriding the built-in ones. */
      successPriors: z
        .partialRecord(taskType, z.record(z.string(), z.number().min(0).max(1)))
        .default({}),
      /**
       * Who is asked when the offline classifier is unsure (the card shows "classifying…"
       * meanwhile): `auto` the smallest resident Ollama model (never one that would have to load),
       * a `provider/model` that model (a cheap cloud one such as anthropic/claude-haiku-4-5,
       * priced and booked like any call), `off` nobody.
       */
      modelClassifier: z.union([z.enum(['auto', 'off']), modelId]).default('auto'),
      /**
       * The offline classifier's confidence under which the model classifier is asked: the
       * router's ASK_MODEL_BELOW (src/router/model-policy.ts says why; a test keeps them equal).
       */
      askModelBelow: z.number().min(0).max(1).default(0.8),
      /** How long the card waits for the model classifier before the offline verdict stands. */
      classifierTimeoutMs: z.number().int().positive().max(10_000).default(800),
    })
    .prefault({}),
  fallback: z.array(modelId).default(DEFAULT_FALLBACK),
  budget: z
    .object({
      monthlyUsd: usd.default(200),
      dailySoftUsd: usd.optional(),
      /** What happens to a paid route that would cross the budget. */
      action: z.enum(['ask', 'local-only', 'block']).default('ask'),
      warnAt: z.array(z.number().gt(0).lte(1)).default([0.5, 0.8, 0.95]),
    })
    .prefault({}),
  local: z
    .object({
      hosts: z
        .array(
          z.object({
            url: z.string().min(1),
            memoryBudgetGb: z.number().positive().optional(),
            maxLoadedModels: z.number().int().nonnegative().optional(),
          }),
        )
        .default([]),
      /**
       * An optional cap on resident models. Without it the budget is derived from the machine:
       * the GPU wired limit (iogpu.wired_limit_mb, else the macOS version's default) − reserveGb.
       */
      memoryBudgetGb: z.number().positive().optional(),
      /** Kept free inside the GPU wired limit (KV growth, compute buffers), not a second OS share. */
      reserveGb: z.number().nonnegative().default(4),
      /** The server's OLLAMA_MAX_LOADED_MODELS when it is not this machine's env (0 = auto = 3). */
      maxLoadedModels: z.number().int().nonnegative().optional(),
      numParallel: z.number().int().positive().default(1),
      kvCacheType: z.enum(['f16', 'q8_0', 'q4_0']).default('f16'),
      keepAlive: keepAliveSchema.default('30m'),
      pinned: z.array(z.string()).default([]),
      energyUsdPerKwh: usd.default(0.3),
      /** Used for the energy cost of local turns when macmon is not installed. */
      defaultWatts: z.number().positive().default(60),
    })
    .prefault({}),
  confirm: z
    .object({
      /** Accept a route without showing the card when its p90 cost is below this. */
      autoAcceptBelowUsd: usd.default(0),
      autoAcceptLocal: z.boolean().default(false),
    })
    .prefault({}),
  prices: z.record(modelId, priceOverride).default({}),
  cache: z
    .object({
      ttl: z.enum(CACHE_TTLS).default('5m'),
      /** The semantic answer cache (issue 18): a question asked again is answered for $0. */
      semantic: z
        .object({
          enabled: z.boolean().default(false),
          /** Cosine similarity a stored question needs to count as the same one. */
          threshold: z.number().gt(0).lte(1).default(0.85),
          ttlHours: z.number().positive().default(24),
          /** Oldest entries go first beyond this many. */
          maxEntries: z.number().int().positive().default(5000),
          /** Embedding model, `ollama/<name>`, called through Ollama's /api/embed. */
          model: modelId.default('ollama/nomic-embed-text'),
          /** Gateway clients by name (`claude-code`, …): false keeps a client out of the cache. */
          gatewayClients: z.record(z.string(), z.boolean()).default({}),
          /**
           * A Redis server shared by several machines (`redis://[user:password@]host:6379/0`,
           * or `rediss://` for TLS); unset keeps the cache in the data dir.
           */
          redisUrl: z
            .string()
            .regex(
              /^rediss?:\/\/[^\s/]/,
              'a redis:// or rediss:// URL, e.g. redis://localhost:6379',
            )
            .refine((url) => URL.canParse(url), 'not a valid URL')
            .optional(),
        })
        .prefault({}),
    })
    .prefault({}),
  agent: z
    .object({
      maxSteps: z.number().int().positive().default(25),
      permissionMode: permissionMode.default('ask'),
      allow: z.array(permissionRule).default([]),
      ask: z.array(permissionRule).default([]),
      deny: z.array(permissionRule).default([]),
      bashTimeoutMs: z.number().int().positive().default(120_000),
      /** OS sandbox for bash: auto = in accept-edits and auto modes where one exists. */
      sandbox: z.enum(['auto', 'off', 'on']).default('auto'),
      /** Secret variables (`*_TOKEN`, `*_API_KEY` …) commands may still see, e.g. GITHUB_TOKEN. */
      envAllow: z.array(z.string()).default([]),
    })
    .prefault({}),
  verify: z
    .object({
      command: z.string().optional(),
      timeoutMs: z.number().int().positive().default(300_000),
      retryCap: z.number().int().nonnegative().default(2),
    })
    .prefault({}),
  ui: z
    .object({
      theme: z.enum(THEME_NAMES).default('dark'),
      keymap: z
        .record(z.string(), z.string())
        .superRefine((map, ctx) => {
          for (const [action, keys] of Object.entries(map)) {
            const message = bindingProblem(action, keys);
            if (message) ctx.addIssue({ code: 'custom', path: [action], message });
          }
        })
        .default({}),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type PriceOverride = z.infer<typeof priceOverride>;
export type RoutingRule = z.infer<typeof routingRule>;
export type PermissionMode = z.infer<typeof permissionMode>;

/**
 * Options for a config parse. zod compiles each object schema's fast path with `new Function` on
 * its first parse, which pays after many parses; a config is parsed once or twice per start, and
 * compiling the config's objects was ~6 ms of a cold `kirikae route`.
 */
export const PARSE_ONCE = { jitless: true } as const;

export function defaultConfig(): Config {
  return configSchema.parse({}, PARSE_ONCE);
}
