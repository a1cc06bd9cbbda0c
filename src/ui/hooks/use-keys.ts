import { useEffect, useLayoutEffect, useRef } from 'react';
import { useStdin } from 'ink';
import { decodeKey, splitControlKeys, type KeyEvent } from '../keys.js';

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
    const onInput = (raw: string): void => {
      const key = decodeKey(raw);
      if (key.name === 'paste-start') {
        pasting = true;
        buffer = [];
        return;
      }
      if (key.name === 'paste-end') {
        pasting = false;
        handlerRef.current({ name: 'char', text: buffer.join(''), paste: true });
        buffer = [];
        return;
      }
      if (pasting) {
        buffer.push(raw);
        return;
      }
      const parts = splitControlKeys(raw);
      if (parts.length === 1) handlerRef.current(key);
      else for (const part of parts) handlerRef.current(decodeKey(part));
    };
    emitter.on('input', onInput);
    return () => {
      emitter.off('input', onInput);
      if (stdin.isRawModeSupported) stdin.setRawMode(false);
    };
  }, [active, stdin]);
}
