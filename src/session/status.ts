import type { Config } from '../config/schema.js';
import type { SessionStore } from './store.js';
import type { StatusView } from './types.js';

type Pressure = NonNullable<StatusView['memory']>['pressure'];

/**
 * One Ollama host on the status bar: what it holds against its own budget, the pressure of its
 * machine when kirikae can read it (this machine), and the speed measured on it this session.
 */
export interface HostStatusView {
  /** host:port, as the route card names it. */
  label: string;
  residentBytes: number;
  budgetBytes: number;
  /** Only for a host on this machine: another machine's pressure is not readable from here. */
  pressure?: Pressure;
  /** Output tok/s of the fastest model measured on this host; undefined before a turn ran. */
  tokPerSec?: number;
  /** Set when the host did not answer its last refresh. */
  unreachable?: boolean;
}

/** What hostStatusViews reads: the runtime's hosts (structurally, so tests pass plain objects). */
export interface StatusHost {
  readonly label: string;
  budgetBytes(): number;
  resident(): readonly { name: string; sizeBytes: number }[];
  memory(): { pressure: Pressure } | undefined;
  problem(): string | undefined;
}

/**
 * The status bar's per-host readings. tok/s is measured per model name, so a host reports the
 * fastest measured rate among the models it holds now.
 */
export function hostStatusViews(
  hosts: readonly StatusHost[],
  rate: (model: string) => number | undefined = () => undefined,
): HostStatusView[] {
  return hosts.map((h) => {
    const resident = h.resident();
    const rates = resident.map((r) => rate(r.name)).filter((r): r is number => r !== undefined);
    const pressure = h.memory()?.pressure;
    return {
      label: h.label,
      residentBytes: resident.reduce((sum, r) => sum + r.sizeBytes, 0),
      budgetBytes: h.budgetBytes(),
      ...(pressure ? { pressure } : {}),
      ...(rates.length ? { tokPerSec: Math.max(...rates) } : {}),
      ...(h.problem() ? { unreachable: true } : {}),
    };
  });
}

const TICK_MS = 1_000;
const LOCAL_REFRESH_MS = 5_000;
const TOK_SAMPLES = 30;
/** Below this much streaming the live rate is noise (an instant reply is not 100k tok/s). */
const MIN_LIVE_SECONDS = 0.5;

/** Where the status bar's readings come from (the wiring connects telemetry and Ollama). */
export interface StatusSources {
  memory?: () => StatusView['memory'];
  resident?: () => StatusView['resident'];
  /** Every Ollama host (hostStatusViews over the runtime's hosts); shown when there are two+. */
  hosts?: () => HostStatusView[];
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
      ...(sources.hosts ? { hosts: sources.hosts() } : {}),
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
      ...(this.sources.hosts ? { hosts: this.sources.hosts() } : {}),
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

/** The status view with its per-host readings (StatusView gains `hosts` in types.ts). */
export type StatusWithHosts = StatusView & { hosts?: readonly HostStatusView[] };
