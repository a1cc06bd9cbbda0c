import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createGrepTool,
  editFileTool,
  listFilesTool,
  readFileTool,
  replaceExactlyOnce,
  writeFileTool,
  type Tool,
  type ToolContext,
} from '../../src/agent/tools/index.js';
import { READ_LIMITS } from '../../src/agent/tools/read-file.js';
import { openWorkspace } from '../../src/agent/workspace.js';
import { read, tempDir } from './helpers.js';

let root: string;
let cleanup: () => void;
let ctx: ToolContext;

beforeEach(() => {
  ({ dir: root, cleanup } = tempDir());
  ctx = { workspace: openWorkspace(root), bashTimeoutMs: 5000 };
});
afterEach(() => cleanup());

async function run(tool: Tool, args: unknown) {
  const prepared = await tool.prepare(tool.schema.parse(args), ctx);
  return { prepared, outcome: await prepared.run(new AbortController().signal) };
}

function file(rel: string, content: string | Buffer): void {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), content);
}

describe('read_file', () => {
  it('returns numbered lines, and a range', async () => {
    file('a.txt', 'one\ntwo\nthree\n');
    expect((await run(readFileTool, { path: 'a.txt' })).outcome.content).toBe(
      '1\tone\n2\ttwo\n3\tthree',
    );
    expect(
      (await run(readFileTool, { path: 'a.txt', start_line: 2, end_line: 2 })).outcome.content,
    ).toBe('2\ttwo');
  });

  it('refuses a binary file', async () => {
    file('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    await expect(run(readFileTool, { path: 'logo.png' })).rejects.toThrow(/binary file/);
    file('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    await expect(run(readFileTool, { path: 'latin1.txt' })).rejects.toThrow(/not UTF-8/);
  });

  it('caps a long file and says how to read the rest', async () => {
    const lines = Array.from({ length: READ_LIMITS.maxLines + 500 }, (_, i) => `row ${i + 1}`);
    file('big.txt', lines.join('\n'));
    const { outcome } = await run(readFileTool, { path: 'big.txt' });
    expect(outcome.content).toContain(`${READ_LIMITS.maxLines}\trow ${READ_LIMITS.maxLines}`);
    expect(outcome.content).not.toContain(`row ${READ_LIMITS.maxLines + 1}\n`);
    expect(outcome.content).toContain(
      `showing lines 1–${READ_LIMITS.maxLines}. Read on with {"path": "big.txt", "start_line": ${READ_LIMITS.maxLines + 1}`,
    );
  });

  it('flags .env files as sensitive, and explains a missing file', async () => {
    file('.env', 'KEY=1');
    const prepared = await readFileTool.prepare({ path: '.env' }, ctx);
    expect(prepared.sensitive).toBe(true);
    await expect(run(readFileTool, { path: 'nope.ts' })).rejects.toThrow(/does not exist/);
  });
});

describe('list_files', () => {
  beforeEach(() => {
    file('src/a.ts', '');
    file('src/deep/b.ts', '');
    file('README.md', '');
    file('node_modules/x/index.js', '');
    file('dist/out.js', '');
    file('logs/app.log', '');
    file('logs/keep.log', '');
    file('.gitignore', 'dist/\n*.log\n!keep.log\n');
  });

  it('walks the tree, skipping node_modules and what .gitignore excludes', async () => {
    const { outcome } = await run(listFilesTool, {});
    expect(outcome.content.split('\n')).toEqual([
      '.gitignore',
      'README.md',
      'logs/keep.log',
      'src/a.ts',
      'src/deep/b.ts',
    ]);
  });

  it('matches globs; a pattern without / matches names at any depth', async () => {
    expect((await run(listFilesTool, { pattern: '*.ts' })).outcome.content).toBe(
      'src/a.ts\nsrc/deep/b.ts',
    );
    expect((await run(listFilesTool, { pattern: 'deep/*.ts', path: 'src' })).outcome.content).toBe(
      'src/deep/b.ts',
    );
  });
});

describe('grep (built-in search)', () => {
  const grep = createGrepTool({ ripgrep: null });

  it('finds matches with path and line, skipping ignored, binary and secret files', async () => {
    file('src/a.ts', 'const token = 1;\nfunction go() {}\n');
    file('dist/a.js', 'const token = 2;');
    file('.gitignore', 'dist\n');
    file('.env', 'token=secret');
    file('bin.dat', Buffer.from([0x74, 0x6f, 0x6b, 0x65, 0x6e, 0]));
    const { outcome } = await run(grep, { pattern: 'token' });
    expect(outcome.content).toBe('src/a.ts:1:const token = 1;');
  });

  it('caps the output', async () => {
    file('many.txt', Array.from({ length: 500 }, () => 'hit').join('\n'));
    const { outcome } = await run(grep, { pattern: 'hit' });
    expect(outcome.content.split('\n')).toHaveLength(201);
    expect(outcome.content).toContain('[300 more matches not shown');
  });

  it('explains a bad regular expression', async () => {
    await expect(run(grep, { pattern: '(' })).rejects.toThrow(/Invalid regular expression/);
  });

  it('numbers lines per file when many files are matched in one batch', async () => {
    for (let f = 0; f < 30; f++) file(`src/f${f}.ts`, `one\ntwo ${f}\nthree\n`);
    const { outcome } = await run(grep, { pattern: '^two (7|23)$' });
    expect(outcome.content.split('\n').sort()).toEqual([
      'src/f23.ts:2:two 23',
      'src/f7.ts:2:two 7',
    ]);
  });

  // A review froze the process for minutes with this: the match ran on the main thread, where
  // Esc could not reach it. It is stopped after 2 s with what to do.
  it('stops a pattern that backtracks catastrophically and says why', async () => {
    file('src/a.txt', `${'a'.repeat(31)}!\n`);
    const started = Date.now();
    await expect(run(grep, { pattern: '(a+)+$' })).rejects.toThrow(
      /ran over 2 s on src\/a.txt and was stopped: it backtracks/,
    );
    expect(Date.now() - started).toBeLessThan(20_000); // minutes before
  });
});

describe('grep (ripgrep)', () => {
  it('asks rg for paths on every line, hidden files and no secrets; exit 1 is no matches', async () => {
    // A stand-in rg: prints each argument it got as a match line, in rg's --null format
    // (path, NUL, line:text); exits 1 for the pattern "none".
    const fakeRg = join(root, 'fake-rg.sh');
    writeFileSync(
      fakeRg,
      '#!/bin/sh\nfor a in "$@"; do [ "$a" = none ] && exit 1; done\n' +
        'for a in "$@"; do printf "src/a.ts\\0001:%s\\n" "$a"; done\n',
      { mode: 0o755 },
    );
    const grep = createGrepTool({ ripgrep: fakeRg });
    file('src/a.ts', '');
    const { outcome } = await run(grep, { pattern: 'needle', path: 'src/a.ts' });
    const args = outcome.content.split('\n').map((l) => l.slice('src/a.ts:1:'.length));
    expect(args.slice(0, 3)).toEqual(['--line-number', '--with-filename', '--null']);
    expect(args).toContain('--hidden');
    expect(args.join(' ')).toContain('--glob !.git --glob !node_modules');
    expect(args.join(' ')).toContain('--glob !.env ');
    expect(args.slice(-4)).toEqual(['-e', 'needle', '--', 'src/a.ts']);
    expect((await run(grep, { pattern: 'none' })).outcome.content).toBe('No matches.');
    expect((await grep.prepare({ pattern: 'x', path: '.env' }, ctx)).sensitive).toBe(true);
  });
});

describe('edit_file', () => {
  it('replaces text that occurs exactly once and returns a diff', async () => {
    file('a.ts', 'const a = 1;\nconst b = 2;\n');
    const { prepared, outcome } = await run(editFileTool, {
      path: 'a.ts',
      old_string: 'const b = 2;',
      new_string: 'const b = 3;',
    });
    expect(prepared.diff).toContain('-const b = 2;\n+const b = 3;');
    expect(outcome.changed).toEqual(['a.ts']);
    expect(read(join(root, 'a.ts'))).toBe('const a = 1;\nconst b = 3;\n');
  });

  it('explains zero and several matches', () => {
    const text = 'x = 1\n  y = 2\nx = 1\n';
    expect(() => replaceExactlyOnce('f', text, 'z = 1', 'z')).toThrow(/not found in f/);
    expect(() => replaceExactlyOnce('f', text, 'y =  2', 'y')).toThrow(/line 2/);
    expect(() => replaceExactlyOnce('f', text, 'x = 1', 'x = 2')).toThrow(
      /occurs 2 times in f \(lines 1, 3\)/,
    );
    expect(replaceExactlyOnce('f', text, 'x = 1', 'x = 2', true).after).toBe(
      'x = 2\n  y = 2\nx = 2\n',
    );
    expect(replaceExactlyOnce('f', 'a$b', 'a', '$&$&').after).toBe('$&$&$b');
  });

  it('does not write when the file changed while waiting for approval', async () => {
    file('a.ts', 'one\n');
    const prepared = await editFileTool.prepare(
      { path: 'a.ts', old_string: 'one', new_string: 'two' },
      ctx,
    );
    file('a.ts', 'one\nuser edit\n');
    await expect(prepared.run(new AbortController().signal)).rejects.toThrow(/changed while/);
    expect(read(join(root, 'a.ts'))).toBe('one\nuser edit\n');
  });
});

describe('write_file', () => {
  it('creates folders and a new file', async () => {
    const { outcome } = await run(writeFileTool, { path: 'a/b/c.txt', content: 'hi\n' });
    expect(read(join(root, 'a/b/c.txt'))).toBe('hi\n');
    expect(outcome.content).toBe('Created a/b/c.txt (new, 1 line).');
  });

  it('diffs against the previous content', async () => {
    file('c.txt', 'old\n');
    const { prepared } = await run(writeFileTool, { path: 'c.txt', content: 'new\n' });
    expect(prepared.diff).toContain('-old\n+new');
    expect(read(join(root, 'c.txt'))).toBe('new\n');
  });
});
