import { useEffect, useRef, useState } from 'react';
import type { AppController, AppState } from '../../session/types.js';

/**
 * Stream text reaches the screen at most 20 times a second: smooth to read, and Ink redraws the
 * live region per frame, which at 30 fps cost more than a fifth of a core.
 */
export const FRAME_MS = 50;

/**
 * The session's state, re-rendered at most once per frame. A change after a quiet frame shows at
 * once (a key press never waits); changes during a burst (streamed text) are coalesced and the
 * last one always lands.
 */
export function useSessionState(controller: AppController, frameMs = FRAME_MS): AppState {
  const [state, setState] = useState(controller.getState);
  const last = useRef(0);
  const timer = useRef<NodeJS.Timeout | undefined>(undefined);

  useEffect(() => {
    const flush = (): void => {
      timer.current = undefined;
      last.current = Date.now();
      setState(controller.getState());
    };
    const unsubscribe = controller.subscribe(() => {
      if (timer.current) return;
      const wait = last.current + frameMs - Date.now();
      if (wait <= 0) flush();
      else timer.current = setTimeout(flush, wait);
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
