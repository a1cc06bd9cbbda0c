import { formatBytes as gb } from './format.js';
import { ollamaWouldUnload } from './ollama-order.js';

// Residency planning (pure): which resident models must go so that `want` fits the budget.
// The router calls this on every proposal for a local route, so it allocates little and never
// touches I/O; 50 resident candidates plan in microseconds.

export interface ResidentEntry {
  name: string;
  /** Resident size (weights + KV at its loaded context), bytes. */
  bytes: number;
  /** Epoch ms of the last turn that used it; smaller = evicted first. */
  lastUsedAt: number;
  /** Pinned by the user (negative keep_alive): never evicted by the planner. */
  pinned?: boolean;
  /** A turn is streaming from it right now: never evicted. */
  inUse?: boolean;
  /**
   * The keep_alive its last request set, ms (Infinity = negative, forever); undefined when
   * unknown. Ollama's own eviction order sorts by it.
   */
  keepAliveMs?: number;
  /** Its weights blob path (Ollama's tie-break); the name stands in when unknown. */
  modelPath?: string;
}

export interface ResidencyRequest {
  budgetBytes: number;
  resident: readonly ResidentEntry[];
  want: { name: string; bytes: number };
  /** Server's OLLAMA_MAX_LOADED_MODELS (3 on a Mac by default); 0/undefined = no count limit. */
  maxLoaded?: number;
  /**
   * The memory Ollama itself fills up to (the GPU wired limit); used only to predict what it
   * would unload on its own. Undefined = the count limit alone.
   */
  serverLimitBytes?: number;
}

export interface PlannedUnload {
  name: string;
  bytes: number;
  lastUsedAt: number;
}

export interface ResidencyPlan {
  fits: boolean;
  /** Names to unload first, least recently used first. Empty when nothing needs to go. */
  unload: string[];
  /** The same unloads with their sizes and last use, for the route card. */
  unloads: PlannedUnload[];
  /** One sentence for the route card / logs. */
  reason: string;
  /** Resident bytes after unloading and loading `want` (as planned, even when it does not fit). */
  totalAfter: number;
  /** True when `want` is resident already at this size: nothing to load. */
  alreadyResident: boolean;
  /** Bytes of `want` as planned. */
  wantBytes: number;
  /** Budget left after the plan (negative when it does not fit). */
  leftBytes: number;
  /**
   * What Ollama's scheduler would unload by itself if `want` were loaded with nothing unloaded
   * first (server/sched.go findRunnerToUnload): shortest keep_alive, then model path, idle
   * first. Empty when it would keep everything.
   */
  ollamaWouldDrop: string[];
}

export function planResidency(req: ResidencyRequest): ResidencyPlan {
  const { budgetBytes, want } = req;
  let used = 0;
  let others = 0;
  let sameSize = false;
  const evictable: ResidentEntry[] = [];
  const held: ResidentEntry[] = []; // pinned or in use: memory the plan cannot free
  for (const r of req.resident) {
    if (r.name === want.name) {
      // The same model at another context is reloaded by the server: its old size goes away.
      sameSize = r.bytes === want.bytes;
      if (sameSize) used += r.bytes;
      continue;
    }
    used += r.bytes;
    others++;
    if (r.pinned || r.inUse) held.push(r);
    else evictable.push(r);
  }
  const result = (
    p: Pick<ResidencyPlan, 'fits' | 'reason' | 'totalAfter' | 'alreadyResident'> & {
      unloads?: PlannedUnload[];
    },
  ): ResidencyPlan => {
    const unloads = p.unloads ?? [];
    return {
      ...p,
      unload: unloads.map((u) => u.name),
      unloads,
      wantBytes: want.bytes,
      leftBytes: budgetBytes - p.totalAfter,
      ollamaWouldDrop: p.alreadyResident ? [] : ollamaWouldUnload(req),
    };
  };
  if (sameSize) {
    return result({
      fits: true,
      reason: `${want.name} is already resident`,
      totalAfter: used,
      alreadyResident: true,
    });
  }
  if (want.bytes > budgetBytes) {
    return result({
      fits: false,
      reason: `${want.name} needs ${gb(want.bytes)}, more than the whole budget of ${gb(budgetBytes)}`,
      totalAfter: used + want.bytes,
      alreadyResident: false,
    });
  }
  evictable.sort((a, b) => a.lastUsedAt - b.lastUsedAt);
  const unloads: PlannedUnload[] = [];
  let count = others;
  const tooMany = () => !!req.maxLoaded && count + 1 > req.maxLoaded;
  for (const r of evictable) {
    if (used + want.bytes <= budgetBytes && !tooMany()) break;
    unloads.push({ name: r.name, bytes: r.bytes, lastUsedAt: r.lastUsedAt });
    used -= r.bytes;
    count--;
  }
  const totalAfter = used + want.bytes;
  if (totalAfter > budgetBytes || tooMany()) {
    // Evicting everything evictable is not enough: unload nothing rather than empty the machine
    // for a load that would fail anyway, and name what holds the memory.
    const restored = used + unloads.reduce((s, u) => s + u.bytes, 0);
    const holders = held
      .map((r) => `${r.inUse ? 'busy' : 'pinned'} ${r.name} (${gb(r.bytes)})`)
      .join(', ');
    return result({
      fits: false,
      reason: tooMany()
        ? `${want.name} would exceed ${req.maxLoaded} loaded models (OLLAMA_MAX_LOADED_MODELS); held: ${holders}`
        : `${want.name} needs ${gb(want.bytes)}; ${holders || 'nothing'} hold${held.length === 1 ? 's' : ''} ${gb(held.reduce((s, r) => s + r.bytes, 0))} of the ${gb(budgetBytes)} budget`,
      totalAfter: restored + want.bytes,
      alreadyResident: false,
    });
  }
  return result({
    fits: true,
    unloads,
    reason: unloads.length
      ? `unload ${unloads.map((u) => u.name).join(', ')} (least recently used) to fit ${want.name} (${gb(want.bytes)})`
      : `${want.name} fits (${gb(totalAfter)} of ${gb(budgetBytes)})`,
    totalAfter,
    alreadyResident: false,
  });
}

/** An Ollama cloud model: it runs on ollama.com, so nothing loads or unloads here. */
export function cloudPlan(
  name: string,
  remoteHost: string | undefined,
  residentBytes: number,
  budgetBytes: number,
): ResidencyPlan {
  return {
    fits: true,
    unload: [],
    unloads: [],
    reason: `${name} is an Ollama cloud model (${remoteHost ?? 'ollama.com'}): nothing loads here`,
    totalAfter: residentBytes,
    alreadyResident: true,
    wantBytes: 0,
    leftBytes: budgetBytes - residentBytes,
    ollamaWouldDrop: [],
  };
}

export { effectiveBudget } from './budget.js';
