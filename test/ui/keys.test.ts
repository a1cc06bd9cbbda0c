import { describe, expect, it } from 'vitest';
import { REMAPPABLE_ACTIONS, keySpecProblem } from '../../src/core/key-spec.js';
import {
  decodeKey,
  splitControlKeys,
  splitTypedChunk,
  type KeyEvent,
  type KeyName,
} from '../../src/ui/keys.js';
import { buildKeymap, DEFAULT_KEYMAP, isAction, keyMatches } from '../../src/ui/keymap.js';

const named: [string, string, KeyName][] = [
  ['Enter (CR)', '\r', 'enter'],
  ['Ctrl-J / LF', '\n', 'newline'],
  ['Alt+Enter (ESC CR)', '\x1b\r', 'newline'],
  ['Alt+Enter (ESC LF)', '\x1b\n', 'newline'],
  ['Shift+Enter (CSI u)', '\x1b[13;2u', 'newline'],
  ['Alt+Enter (CSI u)', '\x1b[13;3u', 'newline'],
  ['Shift+Enter (modifyOtherKeys)', '\x1b[27;2;13~', 'newline'],
  ['Esc', '\x1b', 'escape'],
  ['Esc Esc', '\x1b\x1b', 'escape'],
  ['Backspace (DEL)', '\x7f', 'backspace'],
  ['Backspace (BS)', '\b', 'backspace'],
  ['Alt+Backspace', '\x1b\x7f', 'word-backspace'],
  ['Ctrl-W', '\x17', 'word-backspace'],
  ['Delete', '\x1b[3~', 'delete'],
  ['Tab', '\t', 'tab'],
  ['Shift+Tab', '\x1b[Z', 'shift-tab'],
  ['Up', '\x1b[A', 'up'],
  ['Up (SS3)', '\x1bOA', 'up'],
  ['Down', '\x1b[B', 'down'],
  ['Down (SS3)', '\x1bOB', 'down'],
  ['Right', '\x1b[C', 'right'],
  ['Right (SS3)', '\x1bOC', 'right'],
  ['Left', '\x1b[D', 'left'],
  ['Left (SS3)', '\x1bOD', 'left'],
  ['Alt+Right', '\x1b[1;3C', 'word-right'],
  ['Ctrl+Right', '\x1b[1;5C', 'word-right'],
  ['Alt+f (macOS Option+→)', '\x1bf', 'word-right'],
  ['Alt+Left', '\x1b[1;3D', 'word-left'],
  ['Ctrl+Left', '\x1b[1;5D', 'word-left'],
  ['Alt+b (macOS Option+←)', '\x1bb', 'word-left'],
  ['Home (CSI H)', '\x1b[H', 'home'],
  ['Home (CSI 1~)', '\x1b[1~', 'home'],
  ['Home (SS3 H)', '\x1bOH', 'home'],
  ['Home (rxvt)', '\x1b[7~', 'home'],
  ['End (CSI F)', '\x1b[F', 'end'],
  ['End (CSI 4~)', '\x1b[4~', 'end'],
  ['End (SS3 F)', '\x1bOF', 'end'],
  ['End (rxvt)', '\x1b[8~', 'end'],
  ['PageUp', '\x1b[5~', 'pageup'],
  ['PageDown', '\x1b[6~', 'pagedown'],
  ['paste start', '\x1b[200~', 'paste-start'],
  ['paste end', '\x1b[201~', 'paste-end'],
];

describe('decodeKey', () => {
  it.each(named)('%s → %s', (_label, raw, name) => {
    expect(decodeKey(raw)).toEqual({ name: name, text: '' });
  });

  it('decodes every Ctrl letter that has no name of its own as ctrl+<letter>', () => {
    const own = new Set(['\b', '\t', '\n', '\r', '\x17']);
    for (let code = 1; code <= 26; code++) {
      const raw = String.fromCharCode(code);
      if (own.has(raw)) continue;
      expect(decodeKey(raw)).toEqual({ name: 'ctrl', text: String.fromCharCode(96 + code) });
    }
    expect(decodeKey('\x03')).toEqual({ name: 'ctrl', text: 'c' });
    expect(decodeKey('\x04')).toEqual({ name: 'ctrl', text: 'd' });
    expect(decodeKey('\x0f')).toEqual({ name: 'ctrl', text: 'o' });
  });

  it('never turns another control character into prompt text', () => {
    for (const raw of ['\x00', '\x1c', '\x1d', '\x1e', '\x1f']) {
      expect(decodeKey(raw).name).toBe('unknown');
    }
  });

  it('passes printable text through, including several characters and non-ASCII', () => {
    expect(decodeKey('a')).toEqual({ name: 'char', text: 'a' });
    expect(decodeKey('A')).toEqual({ name: 'char', text: 'A' });
    expect(decodeKey('hello')).toEqual({ name: 'char', text: 'hello' });
    expect(decodeKey('切替')).toEqual({ name: 'char', text: '切替' });
    expect(decodeKey('🙂')).toEqual({ name: 'char', text: '🙂' });
    expect(decodeKey('hello\r')).toEqual({ name: 'char', text: 'hello\r' });
  });

  it('reports an escape sequence it does not know as unknown, not as text', () => {
    expect(decodeKey('\x1b[15~').name).toBe('unknown'); // F5
    expect(decodeKey('\x1b[1;2A').name).toBe('unknown'); // Shift+Up
    expect(decodeKey('\x1bx').name).toBe('unknown');
  });
});

describe('splitTypedChunk', () => {
  it('treats a single trailing CR as the Enter key', () => {
    expect(splitTypedChunk('hello\r')).toEqual({ text: 'hello', submit: true });
    expect(splitTypedChunk('\r')).toEqual({ text: '', submit: true });
  });

  it('keeps text without CR as typed', () => {
    expect(splitTypedChunk('hello')).toEqual({ text: 'hello', submit: false });
  });

  it('turns pasted multi-line text into newlines and does not submit', () => {
    expect(splitTypedChunk('one\rtwo\rthree')).toEqual({ text: 'one\ntwo\nthree', submit: false });
    expect(splitTypedChunk('one\r\ntwo\r\n')).toEqual({ text: 'one\ntwo\n', submit: false });
    expect(splitTypedChunk('one\ntwo')).toEqual({ text: 'one\ntwo', submit: false });
    // Several lines ending in CR: a paste, not a prompt plus Enter.
    expect(splitTypedChunk('one\rtwo\r')).toEqual({ text: 'one\ntwo\n', submit: false });
  });
});

describe('splitControlKeys', () => {
  it('leaves single keys, text and escape sequences whole', () => {
    expect(splitControlKeys('a')).toEqual(['a']);
    expect(splitControlKeys('hello\r')).toEqual(['hello\r']);
    expect(splitControlKeys('one\ntwo\tthree')).toEqual(['one\ntwo\tthree']);
    expect(splitControlKeys('\x1b[A')).toEqual(['\x1b[A']);
  });

  it('splits control keys that arrived together with other input', () => {
    expect(splitControlKeys('\x7f\x7f\x7f')).toEqual(['\x7f', '\x7f', '\x7f']);
    expect(splitControlKeys('abc\x7f')).toEqual(['abc', '\x7f']);
    expect(splitControlKeys('\x03\x03')).toEqual(['\x03', '\x03']);
    expect(splitControlKeys('ab\x17cd')).toEqual(['ab', '\x17', 'cd']);
  });
});

describe('keymap', () => {
  const keymap = buildKeymap();

  it('matches named keys, ctrl combinations and literal characters', () => {
    expect(keyMatches('enter', decodeKey('\r'))).toBe(true);
    expect(keyMatches('esc', decodeKey('\x1b'))).toBe(true);
    expect(keyMatches('ctrl+c', decodeKey('\x03'))).toBe(true);
    expect(keyMatches('ctrl+c', decodeKey('c'))).toBe(false);
    expect(keyMatches('a', decodeKey('a'))).toBe(true);
    expect(keyMatches('a', decodeKey('A'))).toBe(false);
    expect(keyMatches('A', decodeKey('A'))).toBe(true);
  });

  it('binds the route card and approval keys by default', () => {
    expect(isAction(keymap, 'routeAccept', decodeKey('\r'))).toBe(true);
    expect(isAction(keymap, 'routeTier', decodeKey('3'))).toBe(true);
    expect(isAction(keymap, 'routePrevModel', decodeKey('\x1b[D'))).toBe(true);
    expect(isAction(keymap, 'routeNextModel', decodeKey('\x1b[C'))).toBe(true);
    expect(isAction(keymap, 'routeAlways', decodeKey('a'))).toBe(true);
    expect(isAction(keymap, 'routeSave', decodeKey('A'))).toBe(true);
    expect(isAction(keymap, 'approveSession', decodeKey('s'))).toBe(true);
    expect(isAction(keymap, 'costsScreen', decodeKey('\x0c'))).toBe(true);
  });

  it('applies overrides from the config without touching the defaults', () => {
    const custom = buildKeymap({ routeAccept: 'y, enter', nonsense: 'x' });
    expect(custom.routeAccept.keys).toEqual(['y', 'enter']);
    expect(isAction(custom, 'routeAccept', decodeKey('y'))).toBe(true);
    expect(DEFAULT_KEYMAP.routeAccept.keys).toEqual(['enter']);
    expect('nonsense' in custom).toBe(false);
  });
});

describe('the keymap the config may rebind', () => {
  it('names only actions the screen looks up, and every default key passes the config check', () => {
    for (const action of REMAPPABLE_ACTIONS) {
      expect(DEFAULT_KEYMAP, action).toHaveProperty(action);
      for (const key of DEFAULT_KEYMAP[action].keys)
        expect(keySpecProblem(key), key).toBeUndefined();
    }
  });

  it('accepts a ctrl letter exactly when the terminal sends it as that ctrl key', () => {
    for (let code = 1; code <= 26; code++) {
      const letter = String.fromCharCode(code + 96);
      const decoded = decodeKey(String.fromCharCode(code));
      const isCtrl = decoded.name === 'ctrl' && decoded.text === letter;
      expect(keySpecProblem(`ctrl+${letter}`) === undefined, `ctrl+${letter}`).toBe(isCtrl);
      if (isCtrl) expect(keyMatches(`ctrl+${letter}`, decoded)).toBe(true);
    }
    expect(keySpecProblem('\x7f')).toMatch(/is not a key/);
  });

  it('a rebound key works and the default one no longer does', () => {
    const keymap = buildKeymap({ clearInput: 'ctrl+g' });
    expect(isAction(keymap, 'clearInput', { name: 'ctrl', text: 'g' } as KeyEvent)).toBe(true);
    expect(isAction(keymap, 'clearInput', { name: 'ctrl', text: 'c' } as KeyEvent)).toBe(false);
  });
});
