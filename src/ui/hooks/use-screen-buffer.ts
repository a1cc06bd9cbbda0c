import { useStdout } from 'ink';
import { useEffect, useRef, useState } from 'react';

/**
 * Save the cursor, switch to the alternate screen (cleared) and go home. The newline first: Ink
 * has just erased the chat's live region and left the cursor on its first row; the saved cursor
 * sits one row below, so the two-line empty frame drawn on the way back erases only blank rows.
 */
export const ALT_SCREEN_ENTER = '\n\x1b[?1049h\x1b[H';
/** Back to the main screen, exactly as it was, cursor restored. */
export const ALT_SCREEN_LEAVE = '\x1b[?1049l';
/**
 * How long the empty frame stays before the main screen comes back: two of Ink's frames (at
 * 30 fps), so its throttled render has written the empty frame. Timers run in the order they
 * fall due, so Ink's pending frame (due sooner) is always written first.
 */
const LEAVE_AFTER_MS = 70;

/** What the App draws: the chat, another screen, or nothing (the frame before leaving). */
export type ScreenPhase = 'chat' | 'screen' | 'leaving';

/**
 * Screens (help, models, costs, pull) are drawn on the terminal's alternate screen, as `less`
 * does, so the transcript on the main screen is left as it was. Drawn inline, a screen taller
 * than the chat pushed the last transcript lines (the turn's cost line) into the scrollback,
 * and on the way back the chat was drawn below a blank screen without them.
 *
 * Ink keeps no record of which buffer it draws on; it erases its last frame by counting lines up
 * from the cursor. So the switch happens where that count is harmless: on the way in, through
 * Ink's own write (which erases the chat region first and redraws it after the switch); on the
 * way out, after a frame with nothing in it (two lines), written straight to the terminal so
 * Ink does not redraw the screen's frame on the main screen.
 *
 * `items` (the transcript) are held back while the alternate screen is up: printed there, they
 * would vanish with it; they are printed when the chat is back. `enabled` is false off a
 * terminal: then the phase follows the screen at once.
 */
export function useScreenBuffer<T>(
  onScreen: boolean,
  enabled: boolean,
  items: T[],
): { phase: ScreenPhase; items: T[] } {
  const { stdout, write } = useStdout();
  const [phase, setPhase] = useState<ScreenPhase>('chat');
  const [printed, setPrinted] = useState(items);
  const alternate = useRef(false);

  useEffect(() => {
    if (!enabled) return;
    if (onScreen) {
      if (phase === 'screen') return;
      if (!alternate.current) write(ALT_SCREEN_ENTER);
      alternate.current = true;
      const timer = setTimeout(() => setPhase('screen'), 0);
      return () => clearTimeout(timer);
    }
    if (phase === 'chat') return;
    const timer =
      phase === 'screen'
        ? setTimeout(() => setPhase('leaving'), 0)
        : setTimeout(() => {
            stdout.write(ALT_SCREEN_LEAVE);
            alternate.current = false;
            setPhase('chat');
          }, LEAVE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [enabled, onScreen, phase, stdout, write]);

  // Quitting from a screen: the main screen comes back for the shell.
  useEffect(
    () => () => {
      if (alternate.current) stdout.write(ALT_SCREEN_LEAVE);
    },
    [stdout],
  );

  if (!enabled) return { phase: onScreen ? 'screen' : 'chat', items };
  const main = phase === 'chat' && !onScreen;
  if (main && printed !== items) setPrinted(items);
  return { phase, items: main ? items : printed };
}
