// Ollama's own eviction rule (pure), so a plan can say what the server would drop by itself.
// Source: ollama/ollama server/sched.go — processPending unloads one runner at a time while
// the loaded count is at OLLAMA_MAX_LOADED_MODELS or the new model does not fit, and
// findRunnerToUnload picks it: runners sorted by ByDurationAndName (sessionDuration compared
// as uint64, so a negative "forever" keep_alive sorts last; then modelPath), the first idle
// one, else the first. It is not least-recently-used.
import type { ResidencyRequest, ResidentEntry } from './planner.js';

/** ByDurationAndName. Unknown keep_alives sort as Ollama's default 5 m. */
export function byDurationAndName(a: ResidentEntry, b: ResidentEntry): number {
  const da = a.pinned ? Infinity : (a.keepAliveMs ?? 5 * 60_000);
  const db = b.pinned ? Infinity : (b.keepAliveMs ?? 5 * 60_000);
  if (da !== db) return da < db ? -1 : 1;
  const na = a.modelPath ?? a.name;
  const nb = b.modelPath ?? b.name;
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Names Ollama would unload, in order, to load `want` with nothing unloaded first. */
export function ollamaWouldUnload(req: ResidencyRequest): string[] {
  const loaded = req.resident.filter((r) => r.name !== req.want.name).sort(byDurationAndName);
  const dropped: string[] = [];
  let bytes = loaded.reduce((s, r) => s + r.bytes, 0);
  const full = () =>
    (!!req.maxLoaded && loaded.length >= req.maxLoaded) ||
    (req.serverLimitBytes !== undefined && bytes + req.want.bytes > req.serverLimitBytes);
  while (loaded.length && full()) {
    const i = Math.max(
      0,
      loaded.findIndex((r) => !r.inUse),
    );
    const [victim] = loaded.splice(i, 1);
    bytes -= victim!.bytes;
    dropped.push(victim!.name);
  }
  return dropped;
}
