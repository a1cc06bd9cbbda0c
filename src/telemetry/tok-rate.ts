export interface TokRateSample {
  tokens: number;
  seconds: number;
  /** tokens / seconds of this turn. */
  tokPerSec: number;
}

/**
 * Rolling output speed per model. Pure: callers feed it eval_count / eval_duration from each
 * finished turn; the UI reads `recent()` for a sparkline and `rate()` for the headline figure.
 */
export class TokRateTracker {
  private readonly byModel = new Map<string, TokRateSample[]>();

  constructor(private readonly window = 20) {}

  recordTurn(model: string, tokens: number, seconds: number): void {
    // A turn with no tokens or no measured time says nothing about speed.
    if (!(tokens > 0) || !(seconds > 0)) return;
    const list = this.byModel.get(model) ?? [];
    list.push({ tokens, seconds, tokPerSec: tokens / seconds });
    if (list.length > this.window) list.splice(0, list.length - this.window);
    this.byModel.set(model, list);
  }

  /** Tokens over seconds across the window, so long turns weigh more than one-token replies. */
  rate(model: string): number | undefined {
    const list = this.byModel.get(model);
    if (!list?.length) return undefined;
    let tokens = 0;
    let seconds = 0;
    for (const s of list) {
      tokens += s.tokens;
      seconds += s.seconds;
    }
    return tokens / seconds;
  }

  /** Recent per-turn tok/s, oldest first. */
  recent(model: string, count = this.window): number[] {
    return (this.byModel.get(model) ?? []).slice(-count).map((s) => s.tokPerSec);
  }

  models(): string[] {
    return [...this.byModel.keys()];
  }
}
