import { useEffect, useLayoutEffect, useRef } from 'react';
import { useStdin } from 'ink';
import { decodeKey, splitControlKeys, type KeyEvent } from '../keys.js';

/** A paste whose end marker has not come this long after its last chunk is taken as ended. */
const PASTE_STALL_MS = 1_000;

export type KeyHandler = (key: KeyEvent) => void;

interface StdinInternals {
  internal_eventEmitter: NodeJS.EventEmitter;
}

/**
 * Subscribes to decoded keys. Text between bracketed-paste markers arrives as one 'char'
 * event with `paste: true`, however large, so a 1 MB paste is one state update.
 */
export function useKeys(
  handler: (key: KeyEvent & { paste?: boolean }) => void,
  active = true,
): void {
  const stdin = useStdin();
  const handlerRef = useRef(handler);
  // A layout effect, not a passive one: keys typed faster than a paint (a paste of text, then
  // Enter) must reach the handler of the latest render, or Enter sees the input before the text.
  useLayoutEffect(() => {
    handlerRef.current = handler;
  });
  useEffect(() => {
    if (!active) return;
    if (stdin.isRawModeSupported) stdin.setRawMode(true);
    const emitter = (stdin as unknown as StdinInternals).internal_eventEmitter;
    let pasting = false;
    let buffer: string[] = [];
    let stall: NodeJS.Timeout | undefined;
    const endPaste = (): void => {
      clearTimeout(stall);
      pasting = false;
      handlerRef.current({ name: 'char', text: buffer.join(''), paste: true });
      buffer = [];
    };
    const onInput = (raw: string): void => {
      const key = decodeKey(raw);
      if (key.name === 'paste-start') {
        pasting = true;
        buffer = [];
        return;
      }
      if (key.name === 'paste-end') return endPaste();
      if (pasting) {
        buffer.push(raw);
        // A terminal that loses the end marker must not swallow every later key.
        clearTimeout(stall);
        stall = setTimeout(endPaste, PASTE_STALL_MS);
        return;
      }
      const parts = splitControlKeys(raw);
      if (parts.length === 1) handlerRef.current(key);
      else for (const part of parts) handlerRef.current(decodeKey(part));
    };
    emitter.on('input', onInput);
    return () => {
      clearTimeout(stall);
      emitter.off('input', onInput);
      if (stdin.isRawModeSupported) stdin.setRawMode(false);
    };
  }, [active, stdin]);
}
