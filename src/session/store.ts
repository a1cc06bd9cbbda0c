import { pushItems, type TranscriptView } from './transcript.js';
import type { AppState, NewTranscriptItem, Notice } from './types.js';

/**
 * The session's state as the screen reads it: one immutable AppState, replaced on every change,
 * with subscribers told at once. Throttling redraws is the screen's business (ui/hooks).
 */
export class SessionStore {
  private state: AppState;
  private nextId: number;
  private readonly listeners = new Set<() => void>();

  /** A fresh session's state: the chat screen, an empty transcript. */
  static open(
    fields: Pick<AppState, 'folder' | 'branch' | 'status' | 'setupProblems' | 'themeName' | 'now'>,
  ): SessionStore {
    return new SessionStore({
      ...fields,
      screen: 'chat',
      transcript: [],
      clearEpoch: 0,
      exiting: false,
    });
  }

  constructor(initial: AppState) {
    this.state = initial;
    this.nextId = initial.transcript.reduce((max, item) => Math.max(max, item.id), 0) + 1;
  }

  getState = (): AppState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  set(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  /** The transcript and live turn as the pure reducer sees them. */
  view(): TranscriptView {
    return { items: this.state.transcript, live: this.state.live, nextId: this.nextId };
  }

  setView(view: TranscriptView, patch: Partial<AppState> = {}): void {
    this.nextId = view.nextId;
    this.set({ transcript: view.items, live: view.live, ...patch });
  }

  push(...items: NewTranscriptItem[]): void {
    this.setView(pushItems(this.view(), ...items));
  }

  notify(level: Notice['level'], text: string): void {
    this.push({ kind: 'notice', level, text });
  }
}
