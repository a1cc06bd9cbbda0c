// What a screen shows of the gateway and what it may change: the latest requests, spend per
// client, and a pinned route for the next requests (the card's one-key override, for traffic
// from other tools). Served on /kirikae/* so a screen in another process can read and pin.
import { KirikaeError } from '../core/errors.js';
import { isTier } from '../core/tier.js';
import type { RouteOverride } from '../router/types.js';
import { asRecord, asString } from './request.js';
import type { GatewayRequestView } from './server.js';

/** Requests kept for the live view. */
const KEEP = 50;

export interface LiveRequest {
  at: string;
  client: string;
  scenario: string | null;
  route: string | null;
  fallbackFrom: string[];
  outcome: GatewayRequestView['outcome'];
  inputTokens: number;
  outputTokens: number;
  /** null when a model of the request has no known price. */
  costUsd: number | null;
  tokPerSec?: number;
  error?: string;
}

export interface ClientSpend {
  requests: number;
  usd: number;
  /** Calls whose price is unknown (not counted in `usd`). */
  unpriced: number;
}

export class GatewayLive {
  private readonly recent: LiveRequest[] = [];
  private readonly clients = new Map<string, ClientSpend>();
  private pin: RouteOverride | undefined;

  constructor(private readonly now: () => Date = () => new Date()) {}

  note(view: GatewayRequestView): void {
    let cost: number | null = 0;
    let input = 0;
    let output = 0;
    for (const r of view.records) {
      cost = cost === null || r.costUsd === null ? null : cost + r.costUsd;
      input += r.usage.input + r.usage.cacheRead + r.usage.cacheWrite;
      output += r.usage.output;
    }
    const last = view.records[view.records.length - 1];
    this.recent.push({
      at: this.now().toISOString(),
      client: view.client,
      scenario: view.scenario,
      route: view.route,
      fallbackFrom: view.fallbackFrom,
      outcome: view.outcome,
      inputTokens: input,
      outputTokens: output,
      costUsd: cost,
      ...(last?.tokPerSec !== undefined ? { tokPerSec: last.tokPerSec } : {}),
      ...(view.error ? { error: view.error } : {}),
    });
    if (this.recent.length > KEEP) this.recent.shift();
    const spend = this.clients.get(view.client) ?? { requests: 0, usd: 0, unpriced: 0 };
    spend.requests++;
    for (const r of view.records) {
      if (r.costUsd === null) spend.unpriced++;
      else spend.usd += r.costUsd;
    }
    this.clients.set(view.client, spend);
  }

  pinned(): RouteOverride | undefined {
    return this.pin;
  }

  /**
   * Pins `{tier}` or `{model}` for the next requests; an empty body returns to automatic.
   * `check` refuses a model that cannot run (it throws), before anything is pinned.
   */
  setPin(body: unknown, check?: (model: string) => void): RouteOverride | undefined {
    const b = asRecord(body) ?? {};
    const model = asString(b.model);
    if (model !== undefined) {
      if (!/^[a-z]+\/.+/.test(model))
        throw new KirikaeError('bad_request', `"${model}" is not provider/model`);
      check?.(model);
      this.pin = { model };
    } else if (b.tier !== undefined) {
      if (!isTier(b.tier)) throw new KirikaeError('bad_request', 'tier must be 0–4');
      this.pin = { tier: b.tier };
    } else this.pin = undefined;
    return this.pin;
  }

  status(): {
    pin: RouteOverride | null;
    requests: LiveRequest[];
    clients: Record<string, ClientSpend>;
  } {
    return {
      pin: this.pin ?? null,
      requests: [...this.recent],
      clients: Object.fromEntries(this.clients),
    };
  }
}
