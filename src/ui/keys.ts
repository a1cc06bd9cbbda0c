// Decodes one raw input event (as Ink's input parser splits stdin) into a named key. Ink's own
// useInput does not know bracketed paste, Alt+Enter or Shift+Enter, which a multi-line
// prompt needs, so every key in the app goes through this one decoder.

export type KeyName =
  | 'char'
  | 'enter'
  | 'newline'
  | 'escape'
  | 'backspace'
  | 'delete'
  | 'tab'
  | 'shift-tab'
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'word-left'
  | 'word-right'
  | 'word-backspace'
  | 'home'
  | 'end'
  | 'pageup'
  | 'pagedown'
  | 'ctrl'
  | 'paste-start'
  | 'paste-end'
  | 'unknown';

export interface KeyEvent {
  name: KeyName;
  /** Printable text for 'char'; the letter for 'ctrl' (ctrl-c → 'c'). */
  text: string;
}

const SEQUENCES: Record<string, KeyName> = {
  '\r': 'enter',
  '\n': 'newline',
  '\x1b\r': 'newline',
  '\x1b\n': 'newline',
  '\x1b[13;2u': 'newline',
  '\x1b[13;3u': 'newline',
  '\x1b[27;2;13~': 'newline',
  '\x1b': 'escape',
  '\x1b\x1b': 'escape',
  '\x7f': 'backspace',
  '\b': 'backspace',
  '\x1b\x7f': 'word-backspace',
  '\x17': 'word-backspace',
  '\x1b[3~': 'delete',
  '\t': 'tab',
  '\x1b[Z': 'shift-tab',
  '\x1b[A': 'up',
  '\x1bOA': 'up',
  '\x1b[B': 'down',
  '\x1bOB': 'down',
  '\x1b[C': 'right',
  '\x1bOC': 'right',
  '\x1b[D': 'left',
  '\x1bOD': 'left',
  '\x1b[1;3C': 'word-right',
  '\x1b[1;5C': 'word-right',
  '\x1bf': 'word-right',
  '\x1b[1;3D': 'word-left',
  '\x1b[1;5D': 'word-left',
  '\x1bb': 'word-left',
  '\x1b[H': 'home',
  '\x1b[1~': 'home',
  '\x1bOH': 'home',
  '\x1b[7~': 'home',
  '\x1b[F': 'end',
  '\x1b[4~': 'end',
  '\x1bOF': 'end',
  '\x1b[8~': 'end',
  '\x1b[5~': 'pageup',
  '\x1b[6~': 'pagedown',
  '\x1b[200~': 'paste-start',
  '\x1b[201~': 'paste-end',
};

export function decodeKey(raw: string): KeyEvent {
  const named = SEQUENCES[raw];
  if (named) return { name: named, text: '' };
  if (raw.length === 1) {
    const code = raw.charCodeAt(0);
    if (code > 0 && code < 27) return { name: 'ctrl', text: String.fromCharCode(code + 96) };
    // Ctrl-Space, Ctrl-\ and the like: never insert a raw control character into the prompt.
    if (isControl(code)) return { name: 'unknown', text: '' };
  }
  if (raw.startsWith('\x1b')) return { name: 'unknown', text: '' };
  return { name: 'char', text: raw };
}

/** C0 controls other than the line and tab characters typed text may carry, and DEL. */
function isControl(code: number): boolean {
  return (code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 127;
}

/**
 * Ink hands over everything between escape sequences as one event, so keys pressed while the
 * app was busy arrive together ("\x7f\x7f", "abc\x03"). Splits such an event so that each
 * control key is its own event and text runs stay whole (for splitTypedChunk).
 */
export function splitControlKeys(raw: string): string[] {
  if (raw.length <= 1 || raw.startsWith('\x1b')) return [raw];
  const out: string[] = [];
  let text = '';
  for (const ch of raw) {
    if (isControl(ch.charCodeAt(0))) {
      if (text) out.push(text);
      text = '';
      out.push(ch);
    } else text += ch;
  }
  if (text) out.push(text);
  return out;
}

/**
 * Several characters in one event without paste brackets: typed fast, sent by a script, or
 * pasted in a terminal without bracketed paste. A single trailing CR is the Enter key that
 * arrived in the same read; any other CR is a line of pasted text.
 */
export function splitTypedChunk(text: string): { text: string; submit: boolean } {
  const normalized = text.replace(/\r\n/g, '\n');
  if (normalized.endsWith('\r') && !normalized.slice(0, -1).includes('\r')) {
    return { text: normalized.slice(0, -1), submit: true };
  }
  return { text: normalized.replace(/\r/g, '\n'), submit: false };
}
