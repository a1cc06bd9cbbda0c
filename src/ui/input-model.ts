// The prompt editor as plain data and pure operations, so editing is tested without a terminal.

import { count } from '../present/units.js';

export interface InputState {
  value: string;
  /** Offset into `value`. */
  cursor: number;
  /** Large pastes, shown folded as a placeholder and expanded on submit. */
  pastes: string[];
}

export const EMPTY_INPUT: InputState = { value: '', cursor: 0, pastes: [] };

/** Pastes above either limit are folded into a one-line placeholder. */
const FOLD_CHARS = 1_000;
const FOLD_LINES = 8;

export function insertText(state: InputState, text: string): InputState {
  const value = state.value.slice(0, state.cursor) + text + state.value.slice(state.cursor);
  return { ...state, value, cursor: state.cursor + text.length };
}

function countLines(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

export function pastePlaceholder(index: number, text: string): string {
  return `[Pasted text #${index + 1}: ${count(countLines(text))} lines, ${count(text.length)} chars]`;
}

export function insertPaste(state: InputState, raw: string): InputState {
  const text = raw.replace(/\r\n?/g, '\n');
  if (!folds(text)) return insertText(state, text);
  const pastes = [...state.pastes, text];
  return insertText({ ...state, pastes }, pastePlaceholder(pastes.length - 1, text));
}

/**
 * Text that arrived as typed keys. Several characters in one read were pasted by a terminal
 * without bracketed paste (or `tmux paste-buffer`): a large run is folded as a paste would be, and
 * the next run of the same paste, read right after it, joins its placeholder instead of making
 * another, so a megabyte arriving 4 KB at a time stays one placeholder and the box stays small.
 */
export function insertTyped(state: InputState, text: string): InputState {
  // Only a run a paste would fold is one: an IME's committed word or keys read together while
  // the app was busy are typing, and typed after a placeholder they stay text of their own.
  if (!folds(text)) return insertText(state, text.replace(/\r\n?/g, '\n'));
  const last = state.pastes.length - 1;
  if (last >= 0) {
    const placeholder = pastePlaceholder(last, state.pastes[last]!);
    if (state.value.slice(0, state.cursor).endsWith(placeholder)) {
      const joined = state.pastes[last]! + text.replace(/\r\n?/g, '\n');
      const start = state.cursor - placeholder.length;
      const folded = pastePlaceholder(last, joined);
      return {
        value: state.value.slice(0, start) + folded + state.value.slice(state.cursor),
        cursor: start + folded.length,
        pastes: [...state.pastes.slice(0, last), joined],
      };
    }
  }
  return insertPaste(state, text);
}

function folds(text: string): boolean {
  return text.length > FOLD_CHARS || countLines(text) > FOLD_LINES;
}

/**
 * A prompt brought back to the box (↑ history from an earlier run, a cancelled card whose state
 * is gone): a large one comes back folded, as it was shown when it was sent, never as a megabyte
 * of wrapped rows.
 */
export function recall(text: string): InputState {
  // Folded on size only: a 9-line prompt someone typed comes back as text to edit.
  return text.length > RECALL_FOLD_CHARS ? insertPaste(EMPTY_INPUT, text) : fromText(text);
}

/** Above this a recalled prompt is folded: wrapped, it would fill the screen many times over. */
const RECALL_FOLD_CHARS = 10_000;

/** The prompt as sent: placeholders replaced by what was pasted. */
export function expandPastes(state: InputState): string {
  return state.pastes.reduce(
    (value, text, index) => value.split(pastePlaceholder(index, text)).join(text),
    state.value,
  );
}

export function backspace(state: InputState): InputState {
  if (state.cursor === 0) return state;
  // Deleting into a paste placeholder removes the whole placeholder.
  for (const [index, text] of state.pastes.entries()) {
    const placeholder = pastePlaceholder(index, text);
    if (state.value.slice(0, state.cursor).endsWith(placeholder)) {
      const start = state.cursor - placeholder.length;
      return {
        ...state,
        value: state.value.slice(0, start) + state.value.slice(state.cursor),
        cursor: start,
      };
    }
  }
  return {
    ...state,
    value: state.value.slice(0, state.cursor - 1) + state.value.slice(state.cursor),
    cursor: state.cursor - 1,
  };
}

export function deleteForward(state: InputState): InputState {
  if (state.cursor >= state.value.length) return state;
  return {
    ...state,
    value: state.value.slice(0, state.cursor) + state.value.slice(state.cursor + 1),
  };
}

export function moveCursor(state: InputState, delta: number): InputState {
  return { ...state, cursor: Math.max(0, Math.min(state.value.length, state.cursor + delta)) };
}

export function moveWord(state: InputState, direction: -1 | 1): InputState {
  const { value } = state;
  let i = state.cursor;
  if (direction < 0) {
    while (i > 0 && /\s/.test(value[i - 1]!)) i--;
    while (i > 0 && !/\s/.test(value[i - 1]!)) i--;
  } else {
    while (i < value.length && /\s/.test(value[i]!)) i++;
    while (i < value.length && !/\s/.test(value[i]!)) i++;
  }
  return { ...state, cursor: i };
}

export function deleteWordBack(state: InputState): InputState {
  const moved = moveWord(state, -1);
  return {
    ...state,
    value: state.value.slice(0, moved.cursor) + state.value.slice(state.cursor),
    cursor: moved.cursor,
  };
}

function lineBounds(value: string, cursor: number): { start: number; end: number } {
  const start = value.lastIndexOf('\n', cursor - 1) + 1;
  const nl = value.indexOf('\n', cursor);
  return { start, end: nl === -1 ? value.length : nl };
}

export function lineStart(state: InputState): InputState {
  return { ...state, cursor: lineBounds(state.value, state.cursor).start };
}

export function lineEnd(state: InputState): InputState {
  return { ...state, cursor: lineBounds(state.value, state.cursor).end };
}

export function killToLineEnd(state: InputState): InputState {
  const { end } = lineBounds(state.value, state.cursor);
  const cut = end === state.cursor && end < state.value.length ? end + 1 : end;
  return { ...state, value: state.value.slice(0, state.cursor) + state.value.slice(cut) };
}

export function killToLineStart(state: InputState): InputState {
  const { start } = lineBounds(state.value, state.cursor);
  return {
    ...state,
    value: state.value.slice(0, start) + state.value.slice(state.cursor),
    cursor: start,
  };
}

/** Moves between lines; returns undefined at the first/last line (the caller browses history). */
export function moveLine(state: InputState, direction: -1 | 1): InputState | undefined {
  const { start, end } = lineBounds(state.value, state.cursor);
  const column = state.cursor - start;
  if (direction < 0) {
    if (start === 0) return undefined;
    const prev = lineBounds(state.value, start - 1);
    return { ...state, cursor: Math.min(prev.start + column, prev.end) };
  }
  if (end >= state.value.length) return undefined;
  const next = lineBounds(state.value, end + 1);
  return { ...state, cursor: Math.min(next.start + column, next.end) };
}

export function fromText(value: string): InputState {
  return { value, cursor: value.length, pastes: [] };
}

/** A trailing backslash before Enter continues the prompt on a new line (shell habit). */
export function continuesLine(state: InputState): boolean {
  return state.cursor === state.value.length && state.value.endsWith('\\');
}

export function replaceTrailingBackslash(state: InputState): InputState {
  return { ...state, value: `${state.value.slice(0, -1)}\n`, cursor: state.value.length };
}
