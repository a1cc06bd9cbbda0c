import { describe, expect, it } from 'vitest';
import * as edit from '../../src/ui/input-model.js';

const at = (value: string, cursor = value.length): edit.InputState => ({
  value,
  cursor,
  pastes: [],
});

describe('input model: typing and deleting', () => {
  it('inserts at the cursor and moves it past the text', () => {
    const s = edit.insertText(at('helo', 3), 'l');
    expect(s).toEqual({ value: 'hello', cursor: 4, pastes: [] });
    expect(edit.insertText(edit.EMPTY_INPUT, '切替')).toEqual(at('切替'));
  });

  it('backspace deletes before the cursor and does nothing at the start', () => {
    expect(edit.backspace(at('abc'))).toEqual(at('ab'));
    expect(edit.backspace(at('abc', 1))).toEqual(at('bc', 0));
    const start = at('abc', 0);
    expect(edit.backspace(start)).toBe(start);
  });

  it('delete removes the character under the cursor and does nothing at the end', () => {
    expect(edit.deleteForward(at('abc', 1))).toEqual(at('ac', 1));
    const end = at('abc');
    expect(edit.deleteForward(end)).toBe(end);
  });

  it('moves the cursor within bounds', () => {
    expect(edit.moveCursor(at('abc', 1), -5).cursor).toBe(0);
    expect(edit.moveCursor(at('abc', 1), 5).cursor).toBe(3);
    expect(edit.moveCursor(at('abc', 1), 1).cursor).toBe(2);
  });

  it('moves by words and deletes the word before the cursor', () => {
    const s = at('git commit  -m fix');
    expect(edit.moveWord(s, -1).cursor).toBe(15);
    expect(edit.moveWord(at(s.value, 15), -1).cursor).toBe(12);
    expect(edit.moveWord(at(s.value, 0), 1).cursor).toBe(3);
    expect(edit.moveWord(at(s.value, 3), 1).cursor).toBe(10);
    expect(edit.deleteWordBack(at('hello world  '))).toEqual(at('hello '));
    expect(edit.deleteWordBack(at('hello world', 5))).toEqual(at(' world', 0));
    expect(edit.deleteWordBack(at('', 0))).toEqual(at(''));
  });
});

describe('input model: lines', () => {
  const text = 'first line\nsecond\nthird line';

  it('Home/End go to the start and end of the current line', () => {
    expect(edit.lineStart(at(text, 14)).cursor).toBe(11);
    expect(edit.lineEnd(at(text, 14)).cursor).toBe(17);
    expect(edit.lineStart(at(text, 3)).cursor).toBe(0);
    expect(edit.lineEnd(at(text, 20)).cursor).toBe(text.length);
  });

  it('moves between lines keeping the column, clamped to the shorter line', () => {
    const up = edit.moveLine(at(text, 20), -1); // column 2 of "third line"
    expect(up?.cursor).toBe(13);
    const fromLong = edit.moveLine(at(text, 9), 1); // column 9 of "first line" → end of "second"
    expect(fromLong?.cursor).toBe(17);
  });

  it('returns undefined at the first and last line, so the caller browses history', () => {
    expect(edit.moveLine(at(text, 4), -1)).toBeUndefined();
    expect(edit.moveLine(at(text), 1)).toBeUndefined();
    expect(edit.moveLine(at('one line'), -1)).toBeUndefined();
    expect(edit.moveLine(at('one line'), 1)).toBeUndefined();
    expect(edit.moveLine(edit.EMPTY_INPUT, 1)).toBeUndefined();
  });

  it('Ctrl-K kills to the end of the line; at the end it joins the next line', () => {
    expect(edit.killToLineEnd(at(text, 3))).toEqual(at('fir\nsecond\nthird line', 3));
    expect(edit.killToLineEnd(at(text, 10))).toEqual(at('first linesecond\nthird line', 10));
    expect(edit.killToLineEnd(at(text))).toEqual(at(text));
  });

  it('Ctrl-U kills to the start of the line', () => {
    expect(edit.killToLineStart(at(text, 14))).toEqual(at('first line\nond\nthird line', 11));
    expect(edit.killToLineStart(at('abc'))).toEqual(at('', 0));
  });

  it('a trailing backslash before Enter continues on a new line', () => {
    expect(edit.continuesLine(at('make it so \\'))).toBe(true);
    expect(edit.continuesLine(at('make it so \\', 3))).toBe(false);
    expect(edit.continuesLine(at('no backslash'))).toBe(false);
    const next = edit.replaceTrailingBackslash(at('line one\\'));
    expect(next).toEqual(at('line one\n'));
    expect(edit.insertText(next, 'two').value).toBe('line one\ntwo');
  });

  it('fromText puts the cursor at the end', () => {
    expect(edit.fromText('abc')).toEqual(at('abc'));
  });
});

describe('input model: pastes', () => {
  it('inserts a short paste as text, with CRLF and CR made newlines', () => {
    const s = edit.insertPaste(at('say: '), 'a\r\nb\rc');
    expect(s).toEqual(at('say: a\nb\nc'));
    expect(s.pastes).toEqual([]);
  });

  it('folds a paste of more than 8 lines or 1,000 characters into a placeholder', () => {
    const lines = Array.from({ length: 9 }, (_, i) => `line ${i}`).join('\n');
    const s = edit.insertPaste(at('fix this: '), lines);
    expect(s.value).toBe('fix this: [Pasted text #1: 9 lines, 62 chars]');
    expect(s.cursor).toBe(s.value.length);
    expect(edit.expandPastes(s)).toBe(`fix this: ${lines}`);
    const long = edit.insertPaste(edit.EMPTY_INPUT, 'x'.repeat(1_001));
    expect(long.value).toBe('[Pasted text #1: 1 lines, 1,001 chars]');
  });

  it('folds a 1 MB paste into one placeholder and expands it back exactly', () => {
    const line = 'const value = compute(input); // with ünïcödé and 切替\r\n';
    let text = '';
    while (text.length < 1_048_576) text += line;
    const s = edit.insertText(edit.insertPaste(at('Review:\n'), text), '\nThanks');
    const expected = text.replace(/\r\n/g, '\n');
    expect(s.value).toMatch(/^Review:\n\[Pasted text #1: [\d,]+ lines, [\d,]+ chars\]\nThanks$/);
    expect(s.value.length).toBeLessThan(100);
    expect(s.pastes).toHaveLength(1);
    expect(edit.expandPastes(s)).toBe(`Review:\n${expected}\nThanks`);
  });

  it('numbers several pastes and expands each in place', () => {
    const a = 'a'.repeat(2_000);
    const b = 'b\n'.repeat(20);
    let s = edit.insertPaste(edit.EMPTY_INPUT, a);
    s = edit.insertText(s, ' and ');
    s = edit.insertPaste(s, b);
    expect(s.value).toBe(
      '[Pasted text #1: 1 lines, 2,000 chars] and [Pasted text #2: 21 lines, 40 chars]',
    );
    expect(edit.expandPastes(s)).toBe(`${a} and ${b}`);
  });

  it('typed runs: one key is text, a long run folds, and the next run joins its paste', () => {
    let s = edit.insertTyped(edit.EMPTY_INPUT, 'a');
    expect(s.value).toBe('a');
    s = edit.insertTyped(s, 'bc');
    expect(s.value).toBe('abc');
    s = edit.insertTyped(s, 'y'.repeat(4_096));
    s = edit.insertTyped(s, 'z'.repeat(4_096));
    expect(s.value).toBe('abc[Pasted text #1: 1 lines, 8,192 chars]');
    expect(s.pastes).toHaveLength(1);
    // A key typed after it is text again; a later run starts a new paste.
    s = edit.insertTyped(s, '!');
    s = edit.insertTyped(s, 'w'.repeat(2_000));
    expect(s.value).toBe(
      'abc[Pasted text #1: 1 lines, 8,192 chars]![Pasted text #2: 1 lines, 2,000 chars]',
    );
    expect(edit.expandPastes(s)).toBe(
      `abc${'y'.repeat(4_096)}${'z'.repeat(4_096)}!${'w'.repeat(2_000)}`,
    );
  });

  it('a short run typed right after a placeholder (an IME commit) stays text of its own', () => {
    const trace = 'at frame\n'.repeat(40);
    let s = edit.insertPaste(edit.EMPTY_INPUT, trace);
    s = edit.insertTyped(s, 'このエラーを直して');
    expect(s.value).toBe('[Pasted text #1: 41 lines, 360 chars]このエラーを直して');
    expect(s.pastes).toEqual([trace]);
    // One backspace takes the last character, not the paste with the typed words.
    expect(edit.backspace(s).value).toBe('[Pasted text #1: 41 lines, 360 chars]このエラーを直し');
  });

  it('recall folds a large prompt and leaves a short one as text', () => {
    expect(edit.recall('fix the typo')).toEqual(edit.fromText('fix the typo'));
    // Folded on size, not lines: a typed 9-line prompt comes back editable.
    const nine = 'line\n'.repeat(8) + 'last';
    expect(edit.recall(nine)).toEqual(edit.fromText(nine));
    const long = 'q'.repeat(50_000);
    expect(edit.recall(long).value).toBe('[Pasted text #1: 1 lines, 50,000 chars]');
    expect(edit.expandPastes(edit.recall(long))).toBe(long);
  });

  it('one backspace removes a whole placeholder, and the paste is no longer sent', () => {
    let s = edit.insertText(edit.EMPTY_INPUT, 'see ');
    s = edit.insertPaste(s, 'x'.repeat(5_000));
    const removed = edit.backspace(s);
    expect(removed.value).toBe('see ');
    expect(removed.cursor).toBe(4);
    expect(edit.expandPastes(removed)).toBe('see ');
    // An ordinary character after it is deleted one at a time.
    expect(edit.backspace(edit.insertText(s, '!')).value).toBe(s.value);
  });
});
