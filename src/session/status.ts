import type { Config } from '../config/schema.js';
import type { SessionStore } from './store.js';
import type { StatusView } from './types.js';

const TICK_MS = 1_000;
const LOCAL_REFRESH_MS = 5_000;
const TOK_SAMPLES = 30;
/** Below this much streaming the live rate is noise (an instant reply is not 100k tok/s). */
const MIN_LIVE_SECONDS = 0.5;

/** Where the status bar's readings come from (the wiring connects telemetry and Ollama). */
export interface StatusSources {
  memory?: () => StatusView['memory'];
  resident?: () => StatusView['resident'];
  /** Re-reads the Ollama hosts (every few seconds while the screen is up). */
  refreshLocal?: () => Promise<void>;
  monthSpendUsd?: () => number;
}

/** The once-a-second refresh of memory, resident models, the live tok/s and the clock. */
export class StatusTicker {
  private timer: NodeJS.Timeout | undefined;
  private lastLocalRefresh: number;

  constructor(
    private readonly store: SessionStore,
    private readonly sources: StatusSources,
    private readonly now: () => number,
  ) {
    // The first inventory read is the wiring's (it reports an unreachable Ollama once).
    this.lastLocalRefresh = now();
  }

  static initial(sources: StatusSources, config: Config): StatusView {
    return {
      memory: sources.memory?.(),
      resident: sources.resident?.() ?? [],
      tokPerSec: [],
      sessionUsd: 0,
      sessionUnpriced: 0,
      monthUsd: sources.monthSpendUsd?.() ?? 0,
      budgetUsd: config.budget.monthlyUsd,
    };
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  tick(): void {
    const state = this.store.getState();
    const status: StatusView = {
      ...state.status,
      memory: this.sources.memory?.() ?? state.status.memory,
      resident: this.sources.resident?.() ?? state.status.resident,
    };
    const live = state.live;
    if (live?.firstTokenAt) {
      const seconds = (this.now() - live.firstTokenAt) / 1000;
      if (seconds > MIN_LIVE_SECONDS) {
        status.tokPerSec = [...status.tokPerSec, live.outputTokens / seconds].slice(-TOK_SAMPLES);
      }
    }
    this.store.set({ status, now: this.now() });
    if (this.sources.refreshLocal && this.now() - this.lastLocalRefresh > LOCAL_REFRESH_MS) {
      this.lastLocalRefresh = this.now();
      // Ollama going away is shown through the route card's unavailable reasons.
      void this.sources.refreshLocal().catch(() => undefined);
    }
  }
}
