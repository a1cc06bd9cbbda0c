import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Ollama } from 'ollama';
import { toOllamaError } from './errors.js';
import type { ModelShape } from './kv.js';
import { sameModelName } from './names.js';
import { ollamaReads, type OllamaReads } from './ollama-reads.js';

export interface ModelFacts extends Partial<ModelShape> {
  architecture?: string;
  parameterCount?: number;
  capabilities: string[];
  /**
   * The weights blob (the modelfile's FROM line, server/images.go Model.String): the
   * scheduler's tie-break when it picks a model to unload (server/sched.go ByDurationAndName).
   */
  modelPath?: string;
}

export interface InstalledModel {
  name: string;
  digest: string;
  /** Weights file size, bytes. */
  sizeBytes: number;
  family?: string;
  parameterSize?: string;
  quantization?: string;
  modifiedAt?: string;
  /** Newer servers list capabilities in /api/tags; otherwise they come with the facts. */
  capabilities?: string[];
  /**
   * An Ollama cloud model (`glm-4.7:cloud`): listed by /api/tags but run on ollama.com. Not
   * local: it takes no memory here, has no KV cache, and is billed by Ollama's cloud.
   */
  cloud?: boolean;
  /** For a cloud model: where it runs (`https://ollama.com:443`) and its name there. */
  remoteHost?: string;
  remoteModel?: string;
}

export interface InstalledWithFacts extends InstalledModel {
  facts: ModelFacts;
}

export interface ResidentModel {
  name: string;
  digest: string;
  /** Weights + KV cache as loaded, bytes. */
  sizeBytes: number;
  sizeVramBytes: number;
  expiresAt?: Date;
  /** Loaded with a negative keep_alive: the server reports an expiry centuries away. */
  pinned: boolean;
  contextLength?: number;
}

export interface InventorySnapshot {
  host: string;
  version: string;
  installed: InstalledWithFacts[];
  resident: ResidentModel[];
  takenAt: number;
}

type Json = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown) =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
const numbers = (v: unknown) =>
  Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
const booleans = (v: unknown) =>
  Array.isArray(v) && v.every((x) => typeof x === 'boolean') ? (v as boolean[]) : undefined;

/**
 * Cloud models are marked by remote_host/remote_model (api/types.go ListModelResponse); their
 * tags end in `:cloud` or `-cloud` (`gpt-oss:120b-cloud`), which also catches older servers.
 */
export function isCloudModel(m: { name: string; remoteHost?: string; cloud?: boolean }): boolean {
  if (m.cloud || m.remoteHost) return true;
  const tag = m.name.includes(':') ? m.name.slice(m.name.lastIndexOf(':') + 1) : '';
  return tag === 'cloud' || tag.endsWith('-cloud');
}

/** Whether a model can take a turn with tools (Ollama answers 400 "does not support tools"). */
export function supportsTools(m: {
  capabilities?: readonly string[];
  facts?: { capabilities: readonly string[] };
}): boolean {
  const caps = m.facts?.capabilities.length ? m.facts.capabilities : (m.capabilities ?? []);
  return caps.includes('tools');
}

/** The models that run on this host (cloud entries of /api/tags left out). */
export function localModels<T extends InstalledModel>(list: readonly T[]): T[] {
  return list.filter((m) => !m.cloud);
}

/** The client types model_info as a Map; over the wire it is a plain object. Accept both. */
function infoRecord(info: unknown): Json {
  if (info instanceof Map) return Object.fromEntries(info) as Json;
  return info && typeof info === 'object' ? (info as Json) : {};
}

/** /api/show → the facts the KV formula and the UI need. Pure. */
export function parseShowFacts(show: {
  model_info?: unknown;
  capabilities?: unknown;
  modelfile?: unknown;
}): ModelFacts {
  const info = infoRecord(show.model_info);
  let arch = str(info['general.architecture']);
  if (!arch) {
    const key = Object.keys(info).find((k) => k.endsWith('.block_count'));
    arch = key?.slice(0, -'.block_count'.length);
  }
  const raw = (suffix: string) => (arch ? info[`${arch}.${suffix}`] : undefined);
  const at = (suffix: string) => num(raw(suffix));
  // Per-layer arrays (fs/ggml UintOrArrayValue): the largest for KV heads, the smallest
  // non-zero for query heads (EmbeddingHeadCountMax divides by HeadCountMin).
  const kvArray = numbers(raw('attention.head_count_kv'));
  const headArray = numbers(raw('attention.head_count'))?.filter((n) => n > 0);
  const headCount =
    at('attention.head_count') ?? (headArray?.length ? Math.min(...headArray) : undefined);
  const modelPath = /^FROM\s+(\S*\/blobs\/\S+)\s*$/m.exec(str(show.modelfile) ?? '')?.[1];
  return {
    architecture: arch,
    parameterCount: num(info['general.parameter_count']),
    blockCount: at('block_count'),
    headCount,
    headCountKv: at('attention.head_count_kv') ?? (kvArray ? Math.max(...kvArray) : headCount),
    ...(kvArray ? { headCountKvPerLayer: kvArray } : {}),
    keyLength: at('attention.key_length'),
    valueLength: at('attention.value_length'),
    embeddingLength: at('embedding_length'),
    contextLength: at('context_length'),
    slidingWindow: at('attention.sliding_window'),
    ...(booleans(raw('attention.sliding_window_pattern'))
      ? { slidingLayers: booleans(raw('attention.sliding_window_pattern')) }
      : {}),
    fullAttentionInterval: at('full_attention_interval'),
    capabilities: strings(show.capabilities) ?? [],
    ...(modelPath ? { modelPath } : {}),
  };
}

/** The facts as a complete shape for kv.ts, or undefined when /api/show lacked a field. */
export function shapeOf(facts: ModelFacts | undefined): ModelShape | undefined {
  if (!facts?.blockCount || !facts.headCountKv) return undefined;
  return {
    blockCount: facts.blockCount,
    headCountKv: facts.headCountKv,
    headCountKvPerLayer: facts.headCountKvPerLayer,
    keyLength: facts.keyLength,
    valueLength: facts.valueLength,
    embeddingLength: facts.embeddingLength,
    headCount: facts.headCount,
    contextLength: facts.contextLength,
    architecture: facts.architecture,
    slidingWindow: facts.slidingWindow,
    slidingLayers: facts.slidingLayers,
    fullAttentionInterval: facts.fullAttentionInterval,
  };
}

export function parseTags(body: { models?: unknown }): InstalledModel[] {
  const list = Array.isArray(body.models) ? (body.models as Json[]) : [];
  return list.map((m) => {
    const details = (m.details ?? {}) as Json;
    const name = str(m.name) ?? str(m.model) ?? '';
    const remoteHost = str(m.remote_host);
    return {
      name,
      digest: str(m.digest) ?? '',
      sizeBytes: num(m.size) ?? 0,
      family: str(details.family),
      parameterSize: str(details.parameter_size),
      quantization: str(details.quantization_level),
      modifiedAt: m.modified_at === undefined ? undefined : String(m.modified_at),
      capabilities: strings(m.capabilities),
      ...(isCloudModel({ name, remoteHost })
        ? { cloud: true, remoteHost, remoteModel: str(m.remote_model) }
        : {}),
    };
  });
}

const PINNED_AFTER_MS = 100 * 365 * 24 * 3600 * 1000;

/** /api/ps → resident models. Reads context_length, which the client's types omit. */
export function parsePs(body: { models?: unknown }, now = Date.now()): ResidentModel[] {
  const list = Array.isArray(body.models) ? (body.models as Json[]) : [];
  return list.map((m) => {
    const raw = m.expires_at;
    const expiresAt = raw === undefined || raw === null ? undefined : new Date(String(raw));
    const valid = expiresAt && !Number.isNaN(expiresAt.getTime()) ? expiresAt : undefined;
    return {
      name: str(m.name) ?? str(m.model) ?? '',
      digest: str(m.digest) ?? '',
      sizeBytes: num(m.size) ?? 0,
      sizeVramBytes: num(m.size_vram) ?? 0,
      expiresAt: valid,
      pinned: !!valid && valid.getTime() - now > PINNED_AFTER_MS,
      contextLength: num(m.context_length),
    };
  });
}

/** Where facts are cached across runs, when KIRIKAE_DATA_DIR is set. */
export function factsCachePath(env: NodeJS.ProcessEnv): string | undefined {
  return env.KIRIKAE_DATA_DIR ? join(env.KIRIKAE_DATA_DIR, 'ollama-facts.json') : undefined;
}

export interface InventoryOptions {
  host: string;
  client?: Ollama;
  /** JSON file caching /api/show facts by digest; none = memory only. */
  factsCacheFile?: string;
}

/**
 * What one Ollama server has installed and loaded. /api/show facts are cached by digest: a
 * digest names immutable weights, so the facts never go stale, and listing 50 models costs one
 * /api/tags call after the first run.
 */
export class OllamaInventory {
  readonly host: string;
  /** For pulls, deletes and loads; the four reads below go through `reads`. */
  readonly client: Ollama;
  private readonly reads: OllamaReads;
  private readonly closeReads: () => void = () => undefined;
  private readonly factsByDigest = new Map<string, ModelFacts>();
  private diskLoaded: Promise<void> | undefined;
  private readonly cacheFile?: string;

  constructor(options: InventoryOptions) {
    this.host = options.host;
    this.client = options.client ?? new Ollama({ host: options.host });
    // A client handed in (tests) answers the reads too.
    if (options.client) {
      this.reads = options.client;
    } else {
      const reads = ollamaReads(options.host);
      this.reads = reads;
      this.closeReads = () => reads.close();
    }
    this.cacheFile = options.factsCacheFile;
  }

  /** Ends the reads in flight (their callers get an `aborted` error): the command is done. */
  close(): void {
    this.closeReads();
  }

  async version(): Promise<string> {
    return (await this.call(() => this.reads.version())).version;
  }

  async installed(): Promise<InstalledModel[]> {
    return parseTags(await this.call(() => this.reads.list()));
  }

  async resident(): Promise<ResidentModel[]> {
    return parsePs(await this.call(() => this.reads.ps()));
  }

  /** Facts for an installed model; pass the listing entry to hit the digest cache. */
  async facts(model: InstalledModel | string): Promise<ModelFacts> {
    const name = typeof model === 'string' ? model : model.name;
    const digest = typeof model === 'string' ? undefined : model.digest;
    // A cloud model has no local weights to describe, and /api/show on it goes to ollama.com
    // (or answers 403 with cloud disabled, server/routes.go): the listing says all there is.
    if (typeof model !== 'string' && model.cloud) return { capabilities: model.capabilities ?? [] };
    await this.loadDiskCache();
    const cached = digest ? this.factsByDigest.get(digest) : undefined;
    if (cached) return cached;
    const facts = parseShowFacts(await this.call(() => this.reads.show({ model: name }), name));
    if (digest) {
      this.factsByDigest.set(digest, facts);
      await this.saveDiskCache();
    }
    return facts;
  }

  /** Facts already fetched for this listing entry (by digest), without a round trip. */
  cachedFacts(model: InstalledModel): ModelFacts | undefined {
    return model.digest ? this.factsByDigest.get(model.digest) : undefined;
  }

  async installedWithFacts(): Promise<InstalledWithFacts[]> {
    const installed = await this.installed();
    const out: InstalledWithFacts[] = [];
    // A few /api/show calls at a time: enough to hide latency, not enough to stall the server.
    for (let i = 0; i < installed.length; i += 4) {
      const batch = installed.slice(i, i + 4);
      const facts = await Promise.all(batch.map((m) => this.facts(m)));
      batch.forEach((m, j) => {
        const f = facts[j]!;
        // /api/show's list wins (older servers omit it in /api/tags); both places carry it.
        const capabilities = f.capabilities.length ? f.capabilities : (m.capabilities ?? []);
        out.push({ ...m, capabilities, facts: { ...f, capabilities } });
      });
    }
    return out;
  }

  async find(name: string): Promise<InstalledModel | undefined> {
    return (await this.installed()).find((m) => sameModelName(m.name, name));
  }

  async snapshot(): Promise<InventorySnapshot> {
    const [version, installed, resident] = await Promise.all([
      this.version(),
      this.installedWithFacts(),
      this.resident(),
    ]);
    return { host: this.host, version, installed, resident, takenAt: Date.now() };
  }

  private async call<T>(fn: () => Promise<T>, model?: string): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toOllamaError(error, this.host, model);
    }
  }

  private loadDiskCache(): Promise<void> {
    this.diskLoaded ??= (async () => {
      if (!this.cacheFile) return;
      try {
        const data = JSON.parse(await readFile(this.cacheFile, 'utf8')) as Record<
          string,
          ModelFacts
        >;
        for (const [digest, facts] of Object.entries(data)) {
          if (facts && Array.isArray(facts.capabilities)) this.factsByDigest.set(digest, facts);
        }
      } catch {
        // Missing or torn cache: it is only a cache, rebuild it from /api/show.
      }
    })();
    return this.diskLoaded;
  }

  /**
   * The file is shared by every host's inventory (a digest names the same weights on any host),
   * so writes to it are chained across inventories and each merges what is on disk: concurrent
   * /api/show results never lose one another.
   */
  private saveDiskCache(): Promise<void> {
    const file = this.cacheFile;
    if (!file) return Promise.resolve();
    const saving = (cacheWrites.get(file) ?? Promise.resolve()).then(async () => {
      try {
        await mkdir(dirname(file), { recursive: true });
        const onDisk = await readFile(file, 'utf8')
          .then((t) => JSON.parse(t) as Record<string, ModelFacts>)
          .catch(() => ({}));
        const merged = { ...onDisk, ...Object.fromEntries(this.factsByDigest) };
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, JSON.stringify(merged));
        await rename(tmp, file); // atomic: a crash never leaves a torn cache
      } catch {
        // A read-only data dir only costs the cache.
      }
    });
    cacheWrites.set(file, saving);
    return saving;
  }
}

/** The pending write per cache file, shared by the inventories of every host in the process. */
const cacheWrites = new Map<string, Promise<void>>();

/** The first inventory whose server has the model installed (hosts in configured order). */
export async function findModelHost(
  inventories: readonly OllamaInventory[],
  name: string,
): Promise<OllamaInventory | undefined> {
  for (const inv of inventories) {
    try {
      if (await inv.find(name)) return inv;
    } catch {
      // An unreachable host just does not have it.
    }
  }
  return undefined;
}
