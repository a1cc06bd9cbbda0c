/**
 * A load_duration at or above this is a cold load. Ollama reports load_duration on every call:
 * 1–41 ms when the model was already resident (docs/api.md examples), seconds when the weights
 * were read from disk. Half a second separates the two with a wide margin either way.
 */
export const COLD_LOAD_MIN_SECONDS = 0.5;

/**
 * Learned model load times (pure). The router asks how long a switch to a cold model will stall
 * the turn, so only cold loads teach it: averaging in warm calls would price a switch between
 * 20 GB models as free and make them thrash.
 */
export class LoadTimeStore {
  private readonly seconds = new Map<string, number>();
  private bytesPerSecond: number | undefined;

  /**
   * @param alpha weight of the newest observation (exponential moving average): load times vary
   *   with the page cache, so one cold read should not be forgotten after one warm one.
   * @param defaultBytesPerSecond guess for never-loaded models: SSD to unified memory, ~2.5 GB/s
   *   end to end including Metal setup.
   */
  constructor(
    private readonly alpha = 0.5,
    private readonly defaultBytesPerSecond = 2.5e9,
  ) {}

  /**
   * @param wasResident whether the model was resident (at this context) before the call, when
   *   the caller knows; false marks a cold load whatever its duration.
   */
  record(model: string, loadSeconds: number, bytes?: number, wasResident?: boolean): void {
    if (!(loadSeconds > 0)) return;
    if (!isColdLoad(loadSeconds, wasResident)) return;
    const prev = this.seconds.get(model);
    this.seconds.set(
      model,
      prev === undefined ? loadSeconds : prev + this.alpha * (loadSeconds - prev),
    );
    if (bytes && bytes > 0) {
      const rate = bytes / loadSeconds;
      this.bytesPerSecond =
        this.bytesPerSecond === undefined
          ? rate
          : this.bytesPerSecond + this.alpha * (rate - this.bytesPerSecond);
    }
  }

  /** Seconds to load `model`: learned, else estimated from its size, else undefined. */
  expected(model: string, bytes?: number): number | undefined {
    const known = this.seconds.get(model);
    if (known !== undefined) return known;
    if (!bytes) return undefined;
    return bytes / (this.bytesPerSecond ?? this.defaultBytesPerSecond);
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.seconds);
  }

  static fromJSON(data: Record<string, number>): LoadTimeStore {
    const store = new LoadTimeStore();
    for (const [k, v] of Object.entries(data)) if (v > 0) store.seconds.set(k, v);
    return store;
  }
}

/** A cold load: the model was not resident before, or loading took disk-read time. */
export function isColdLoad(loadSeconds: number, wasResident?: boolean): boolean {
  return wasResident === false || loadSeconds >= COLD_LOAD_MIN_SECONDS;
}
