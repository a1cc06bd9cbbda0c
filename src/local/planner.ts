import { formatBytes as gb } from './format.js';

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
}

export interface ResidencyRequest {
  budgetBytes: number;
  resident: readonly ResidentEntry[];
  want: { name: string; bytes: number };
  /** Server's OLLAMA_MAX_LOADED_MODELS (3 on a Mac by default); 0/undefined = no count limit. */
  maxLoaded?: number;
}

export interface ResidencyPlan {
  fits: boolean;
  /** Names to unload first, least recently used first. Empty when nothing needs to go. */
  unload: string[];
  /** One sentence for the route card / logs. */
  reason: string;
  /** Resident bytes after unloading and loading `want` (as planned, even when it does not fit). */
  totalAfter: number;
  /** True when `want` is resident already at this size: nothing to load. */
  alreadyResident: boolean;
}

export function planResidency(req: ResidencyRequest): ResidencyPlan {
  const { budgetBytes, want } = req;
  let used = 0;
  let others = 0;
  let sameSize = false;
  const evictable: ResidentEntry[] = [];
  let heldBytes = 0; // pinned or in use: memory the plan cannot free
  for (const r of req.resident) {
    if (r.name === want.name) {
      // The same model at another context is reloaded by the server: its old size goes away.
      sameSize = r.bytes === want.bytes;
      if (sameSize) used += r.bytes;
      continue;
    }
    used += r.bytes;
    others++;
    if (r.pinned || r.inUse) heldBytes += r.bytes;
    else evictable.push(r);
  }
  if (sameSize) {
    return {
      fits: true,
      unload: [],
      reason: `${want.name} is already resident`,
      totalAfter: used,
      alreadyResident: true,
    };
  }
  if (want.bytes > budgetBytes) {
    return {
      fits: false,
      unload: [],
      reason: `${want.name} needs ${gb(want.bytes)}, more than the whole budget of ${gb(budgetBytes)}`,
      totalAfter: used + want.bytes,
      alreadyResident: false,
    };
  }
  evictable.sort((a, b) => a.lastUsedAt - b.lastUsedAt);
  const unload: string[] = [];
  let count = others;
  const tooMany = () => !!req.maxLoaded && count + 1 > req.maxLoaded;
  for (const r of evictable) {
    if (used + want.bytes <= budgetBytes && !tooMany()) break;
    unload.push(r.name);
    used -= r.bytes;
    count--;
  }
  const totalAfter = used + want.bytes;
  if (totalAfter > budgetBytes || tooMany()) {
    // Evicting everything evictable is not enough: unload nothing rather than empty the machine
    // for a load that would fail anyway.
    const restored = used + unload.reduce((s, n) => s + findBytes(req.resident, n), 0);
    return {
      fits: false,
      unload: [],
      reason: tooMany()
        ? `${want.name} would exceed ${req.maxLoaded} loaded models; the others are pinned or in use`
        : `${want.name} needs ${gb(want.bytes)}; ${gb(heldBytes)} is held by pinned or in-use models of a ${gb(budgetBytes)} budget`,
      totalAfter: restored + want.bytes,
      alreadyResident: false,
    };
  }
  return {
    fits: true,
    unload,
    reason: unload.length
      ? `unload ${unload.join(', ')} (least recently used) to fit ${want.name} (${gb(want.bytes)})`
      : `${want.name} fits (${gb(totalAfter)} of ${gb(budgetBytes)})`,
    totalAfter,
    alreadyResident: false,
  };
}

function findBytes(list: readonly ResidentEntry[], name: string): number {
  return list.find((r) => r.name === name)?.bytes ?? 0;
}

export { effectiveBudget } from './budget.js';
