// Splits an answer into prose and fenced code blocks, and colours code with a few token
// classes. Not a full highlighter: enough to set code apart and make it readable.

export type Segment =
  { kind: 'text'; text: string } | { kind: 'code'; lang: string; code: string; open: boolean };

export function splitFences(markdown: string): Segment[] {
  const segments: Segment[] = [];
  const lines = markdown.split('\n');
  let prose: string[] = [];
  let code: string[] | undefined;
  let lang = '';
  const flushProse = (): void => {
    if (prose.length) segments.push({ kind: 'text', text: prose.join('\n') });
    prose = [];
  };
  for (const line of lines) {
    const fence = /^\s*```\s*([\w+-]*)/.exec(line);
    if (fence && code === undefined) {
      flushProse();
      code = [];
      lang = fence[1] ?? '';
    } else if (fence && code !== undefined && line.trim() === '```') {
      segments.push({ kind: 'code', lang, code: code.join('\n'), open: false });
      code = undefined;
    } else if (code !== undefined) {
      code.push(line);
    } else {
      prose.push(line);
    }
  }
  if (code !== undefined) segments.push({ kind: 'code', lang, code: code.join('\n'), open: true });
  flushProse();
  return segments;
}

export type TokenClass = 'plain' | 'keyword' | 'string' | 'comment' | 'number';

export interface CodeToken {
  cls: TokenClass;
  text: string;
}

const KEYWORDS = new Set(
  (
    'const let var function return if else for while do switch case break continue class extends new ' +
    'import export from default async await try catch finally throw typeof instanceof interface type enum ' +
    'def elif lambda pass raise with yield None True False self fn let mut impl struct pub use match mod ' +
    'func package go defer chan select nil true false null undefined void static public private protected'
  ).split(' '),
);

const TOKEN =
  /(\/\/.*$|#.*$|\/\*.*?\*\/)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_$][\w$]*)/g;

export function highlightLine(line: string, lang: string): CodeToken[] {
  const tokens: CodeToken[] = [];
  const hashComments = /^(py|python|sh|bash|shell|zsh|rb|ruby|yaml|yml|toml)$/.test(lang);
  let last = 0;
  for (const match of line.matchAll(TOKEN)) {
    const [text, comment, str, num, word] = match;
    const index = match.index;
    if (index > last) tokens.push({ cls: 'plain', text: line.slice(last, index) });
    if (comment?.startsWith('/*')) {
      // A block comment closed on this line ends there; code after it is still code.
      tokens.push({ cls: 'comment', text });
      last = index + text.length;
      continue;
    }
    if (comment && (!comment.startsWith('#') || hashComments)) {
      tokens.push({ cls: 'comment', text: line.slice(index) });
      last = line.length;
      break;
    }
    let cls: TokenClass = 'plain';
    if (str) cls = 'string';
    else if (num) cls = 'number';
    else if (word && KEYWORDS.has(word)) cls = 'keyword';
    tokens.push({ cls, text });
    last = index + text.length;
  }
  if (last < line.length) tokens.push({ cls: 'plain', text: line.slice(last) });
  return tokens;
}

/** A fence line as splitFences reads it: opens a block, or closes the open one. */
const FENCE = /^\s*```/;

/**
 * Where streamed markdown can be cut so that the text before the cut is final: just past the
 * last blank line after `from` that is outside any code block (what precedes it, a paragraph, a
 * list or a closed code block, is finished). `from` must itself be such a cut (or 0); returns
 * `from` when nothing has finished since. Scans only the text after `from`.
 */
export function finishedUpTo(text: string, from: number): number {
  let cut = from;
  let inCode = false;
  let lineStart = from;
  while (lineStart < text.length) {
    const newline = text.indexOf('\n', lineStart);
    // The last line has no newline yet: it may still grow, so it ends nothing.
    if (newline < 0) break;
    const line = text.slice(lineStart, newline);
    if (FENCE.test(line)) {
      if (!inCode) inCode = true;
      else if (line.trim() === '```') inCode = false;
    } else if (!inCode && !line.trim()) {
      cut = newline + 1;
    }
    lineStart = newline + 1;
  }
  return cut;
}
