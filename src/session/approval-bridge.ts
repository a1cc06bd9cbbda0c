import type { ApprovalAnswer, ApprovalRequest } from '../agent/index.js';
import type { SessionStore } from './store.js';
import type { ApprovalDecision } from './types.js';

/**
 * The approval dialog as a promise: the agent loop asks and waits; the screen's answer (or an
 * interrupt) resolves it. One question at a time, as the loop asks them.
 */
export class ApprovalBridge {
  private resolve: ((answer: ApprovalAnswer) => void) | undefined;

  constructor(private readonly store: SessionStore) {}

  ask = (request: ApprovalRequest): Promise<ApprovalAnswer> =>
    new Promise((resolve) => {
      this.resolve = resolve;
      this.store.set({
        approval: {
          tool: request.tool,
          summary: `${request.summary}${request.reason ? ` — ${request.reason}` : ''}`,
          ...(request.reason ? { reason: request.reason } : {}),
          ...(request.diff ? { diff: request.diff } : {}),
          ...(request.detail ? { detail: request.detail } : {}),
        },
      });
    });

  get pending(): boolean {
    return this.resolve !== undefined;
  }

  answer(decision: ApprovalDecision, note?: string): void {
    const resolve = this.resolve;
    this.resolve = undefined;
    this.store.set({ approval: undefined });
    resolve?.({ decision, ...(note ? { note } : {}) });
  }
}
