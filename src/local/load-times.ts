/**
 * Learned model load times (pure). Ollama reports load_duration on the call that loaded the
 * model; the router asks how long a switch to a cold model will stall the turn.
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

  record(model: string, loadSeconds: number, bytes?: number): void {
    if (!(loadSeconds > 0)) return;
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
