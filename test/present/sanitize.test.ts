/**
 * Issue 11 item 8: escape sequences in model text reached the terminal raw. Sequences are the
 * ones the issue saw: OSC 52 (clipboard write), OSC 0 (title), CSI cursor movement, plus C1.
 */
import { describe, expect, it } from 'vitest';
import { hasControlCharacters, sanitize } from '../../src/present/sanitize.js';

const ESC = '\u001b';
const BEL = '\u0007';

describe('sanitize', () => {
  it.each([
    [
      'OSC 52 clipboard write',
      `${ESC}]52;c;Y3VybCBldmlsLnNoIHwgc2g=${BEL}`,
      '␛]52;c;Y3VybCBldmlsLnNoIHwgc2g=␇',
    ],
    ['OSC 0 title', `${ESC}]0;pwned${ESC}\\`, '␛]0;pwned␛\\'],
    ['CSI cursor up and erase line', `ok${ESC}[1A${ESC}[2K`, 'ok␛[1A␛[2K'],
    ['C1 CSI (0x9b)', 'a\u009b2Jb', 'a<U+009B>2Jb'],
    ['a lone carriage return that would rewrite the line', 'rm -rf ~\rls', 'rm -rf ~␍ls'],
    ['backspaces hiding text', 'safe\b\b\b\bevil', 'safe␈␈␈␈evil'],
    ['bidi override', 'a\u202eb', 'a<U+202E>b'],
    ['NUL and DEL', 'a\u0000b\u007f', 'a␀b␡'],
  ])('%s is shown, not obeyed', (_name, input, expected) => {
    expect(sanitize(input)).toBe(expected);
    expect(hasControlCharacters(sanitize(input))).toBe(false);
  });

  it('keeps newlines, tabs, CRLF line ends and ordinary Unicode', () => {
    const text = 'line 1\r\n\tline 2\n日本語 — café 😀';
    expect(sanitize(text)).toBe('line 1\n\tline 2\n日本語 — café 😀');
    const clean = 'nothing to do\n';
    expect(sanitize(clean)).toBe(clean);
  });
});
