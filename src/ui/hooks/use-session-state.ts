import { useEffect, useRef, useState } from 'react';
import type { AppController, AppState } from '../../session/types.js';

/**
 * Stream text reaches the screen at most 10 times a second (about a line at a time at 200
 * tok/s). Every frame Ink rebuilds and re-tokenizes the whole live region, header, input box and
 * status bar, whatever changed: ~7 ms of CPU each on the bench machine, so the frame rate is the
 * UI's CPU. Measured at 200 tok/s (bench/ui.bench.mjs, the same run's UI-less baseline taken
 * off): 50 ms 17.2 % of a core at 23 frames/s, 80 ms 12.7 % at 16/s, 100 ms 12.2 % at 14/s (a
 * printed paragraph costs one frame more: Ink's <Static> commits twice).
 */
export const FRAME_MS = 100;

/** What streams or ticks: the only changes that wait for the next frame. */
const PACED: ReadonlySet<string> = new Set<keyof AppState>(['live', 'status', 'now']);

/** True when `next` differs from `shown` only in what streams or ticks. */
function onlyPaced(shown: AppState, next: AppState): boolean {
  for (const key of Object.keys(next) as (keyof AppState)[]) {
    if (next[key] !== shown[key] && !PACED.has(key)) return false;
  }
  return Object.keys(shown).length === Object.keys(next).length;
}

/**
 * The session's state, re-rendered at most once per frame. A change after a quiet frame shows at
 * once (a key press never waits); changes during a burst (streamed text) are coalesced and the
 * last one always lands. Any other change (a route card, a dialog, a screen, the transcript) is
 * drawn at once even mid-stream: a key on the route card answered a frame (100 ms) late when
 * the status bar's tick had just been drawn.
 */
export function useSessionState(controller: AppController, frameMs = FRAME_MS): AppState {
  const [state, setState] = useState(controller.getState);
  const last = useRef(0);
  const shown = useRef<AppState | undefined>(undefined);
  const timer = useRef<NodeJS.Timeout | undefined>(undefined);

  useEffect(() => {
    const flush = (): void => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = undefined;
      last.current = Date.now();
      shown.current = controller.getState();
      setState(shown.current);
    };
    const unsubscribe = controller.subscribe(() => {
      const wait = last.current + frameMs - Date.now();
      if (wait <= 0 || !shown.current || !onlyPaced(shown.current, controller.getState()))
        return flush();
      timer.current ??= setTimeout(flush, wait);
    });
    // A change between the first render and the subscription is not lost.
    flush();
    return () => {
      unsubscribe();
      if (timer.current) clearTimeout(timer.current);
    };
  }, [controller, frameMs]);

  return state;
}
