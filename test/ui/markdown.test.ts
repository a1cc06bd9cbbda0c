import { describe, expect, it } from 'vitest';
import { highlightLine, splitFences, type CodeToken } from '../../src/ui/markdown.js';

describe('splitFences', () => {
  it('returns prose alone as one text segment', () => {
    expect(splitFences('Just an answer.\nTwo lines.')).toEqual([
      { kind: 'text', text: 'Just an answer.\nTwo lines.' },
    ]);
  });

  it('splits prose and closed fences in order, with the language', () => {
    const md =
      'Here is the fix:\n```ts\nconst a = 1;\nconst b = 2;\n```\nThen run it:\n```\nnpm test\n```';
    expect(splitFences(md)).toEqual([
      { kind: 'text', text: 'Here is the fix:' },
      { kind: 'code', lang: 'ts', code: 'const a = 1;\nconst b = 2;', open: false },
      { kind: 'text', text: 'Then run it:' },
      { kind: 'code', lang: '', code: 'npm test', open: false },
    ]);
  });

  it('accepts indented fences and languages with + and -', () => {
    const md = '  ```c++\nint x;\n  ```\n```objective-c\n@end\n```';
    expect(splitFences(md)).toEqual([
      { kind: 'code', lang: 'c++', code: 'int x;', open: false },
      { kind: 'code', lang: 'objective-c', code: '@end', open: false },
    ]);
  });

  it('keeps an unclosed fence (still streaming) as an open code block', () => {
    expect(splitFences('Patch:\n```python\ndef f():\n    return 1')).toEqual([
      { kind: 'text', text: 'Patch:' },
      { kind: 'code', lang: 'python', code: 'def f():\n    return 1', open: true },
    ]);
    expect(splitFences('```')).toEqual([{ kind: 'code', lang: '', code: '', open: true }]);
  });

  it('treats a fence with a language inside a code block as code, not as its end', () => {
    const md = '```md\nExample:\n```js\nx\n```';
    expect(splitFences(md)).toEqual([
      { kind: 'code', lang: 'md', code: 'Example:\n```js\nx', open: false },
    ]);
  });

  it('loses no line: prose and code together hold every line of the input', () => {
    const md = 'a\n\n```sh\nls -la\n\necho hi\n```\n\nb\n';
    const segments = splitFences(md);
    const rebuilt = segments
      .map((s) => (s.kind === 'text' ? s.text : `\`\`\`${s.lang}\n${s.code}\n\`\`\``))
      .join('\n');
    expect(rebuilt).toBe(md);
  });
});

const classes = (tokens: CodeToken[]): [string, string][] =>
  tokens.filter((t) => t.cls !== 'plain').map((t) => [t.cls, t.text]);

describe('highlightLine', () => {
  it('marks keywords, strings, numbers and line comments', () => {
    const tokens = highlightLine('const answer = "forty" + 2; // why', 'ts');
    expect(classes(tokens)).toEqual([
      ['keyword', 'const'],
      ['string', '"forty"'],
      ['number', '2'],
      ['comment', '// why'],
    ]);
  });

  it('handles single quotes, template strings, escapes and block comments', () => {
    expect(classes(highlightLine("let s = 'it\\'s' /* note */ + `x`", 'js'))).toEqual([
      ['keyword', 'let'],
      ['string', "'it\\'s'"],
      ['comment', '/* note */'],
      ['string', '`x`'],
    ]);
  });

  it('treats # as a comment only in languages that use it', () => {
    expect(classes(highlightLine('x = 1  # one', 'python'))).toEqual([
      ['number', '1'],
      ['comment', '# one'],
    ]);
    expect(classes(highlightLine('echo "#not a comment" # but this is', 'sh'))).toEqual([
      ['string', '"#not a comment"'],
      ['comment', '# but this is'],
    ]);
    expect(highlightLine('#include <stdio.h>', 'c').some((t) => t.cls === 'comment')).toBe(false);
  });

  it('knows keywords of several languages but not identifiers that contain them', () => {
    expect(classes(highlightLine('def run(self): return None', 'py'))).toEqual([
      ['keyword', 'def'],
      ['keyword', 'self'],
      ['keyword', 'return'],
      ['keyword', 'None'],
    ]);
    expect(classes(highlightLine('pub fn main() {}', 'rust'))).toEqual([
      ['keyword', 'pub'],
      ['keyword', 'fn'],
    ]);
    expect(classes(highlightLine('constant returned x1', 'ts'))).toEqual([]);
  });

  it('never drops or reorders text: the tokens join back to the line', () => {
    const lines = [
      '',
      '   ',
      'const a = `tpl ${b}` + "q\\"uote" // c',
      'x = {\'k\': 3.14, "j": [1, 2]}  # py',
      'if (a < b && c) { return /* x */ d; }',
      '#include <vector> // c++',
      'unterminated "string',
      '切替 = 1',
    ];
    for (const line of lines) {
      for (const lang of ['ts', 'python', 'c', '']) {
        expect(
          highlightLine(line, lang)
            .map((t) => t.text)
            .join(''),
        ).toBe(line);
      }
    }
  });
});
