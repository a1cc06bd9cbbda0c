import { describe, expect, it } from 'vitest';
import { actionIn, isWorkspaceQuestion, pathsIn, uncacheableTurn } from '../../src/cache/rules.js';
import { answered } from './support.js';

describe('action prompts (never cached)', () => {
  it.each([
    'fix the failing test',
    'Fix the failing test in src/a.test.ts',
    'please fix the failing test',
    'can you fix the failing test?',
    'could you please rename foo to bar',
    'the build is broken, fix it',
    'The test fails. Fix it.',
    'explain the error and then fix it',
    'why does it fail? fix it',
    "let's refactor the parser",
    'go ahead and run the tests',
    'I want you to add a --json flag',
    'help me write a test for parseTier',
    'Add a README section',
    'run npm test',
    'make the tests pass',
    'set up eslint',
    'now update the changelog',
  ])('%s', (prompt) => {
    expect(actionIn(prompt)).toBeDefined();
  });
});

describe('questions (may be cached)', () => {
  it.each([
    'explain this error: TypeError: cannot read properties of undefined',
    'what does the failing test check?',
    'why is the failing test failing?',
    'how do I fix a merge conflict in git?',
    'what is the difference between map and flatMap',
    'where is the config loaded?',
    'Does `npm test` run the linter?',
    'is it safe to run this migration twice?',
    'what should I test first?',
    'summarise the routing table',
  ])('%s', (prompt) => {
    expect(actionIn(prompt)).toBeUndefined();
  });
});

describe('workspace questions (tied to the git HEAD)', () => {
  it.each([
    ['where is the config loaded in this repo?', 0, true],
    ['what does src/cache/rules.ts do?', 0, true],
    ['what is in package.json', 0, true],
    ['explain this error', 0, true],
    ['explain @a', 1, true],
    ['what is the difference between map and flatMap', 0, false],
    ['how do closures work in javascript', 0, false],
  ] as const)('%s', (prompt, files, expected) => {
    expect(isWorkspaceQuestion(prompt, files)).toBe(expected);
  });
});

describe('cacheable turns', () => {
  it('only a finished, non-empty, text-only turn', () => {
    expect(uncacheableTurn(answered('text'))).toBeUndefined();
    expect(uncacheableTurn(answered('text', { toolCalls: 1 }))).toBe('tool_calls');
    expect(uncacheableTurn(answered('text', { changedFiles: 1 }))).toBe('changed_files');
    expect(uncacheableTurn(answered('text', { outcome: 'error' }))).toBe('not_ok');
    expect(uncacheableTurn(answered(''))).toBe('empty_answer');
  });
});

describe('paths a prompt quotes', () => {
  it('finds paths and file names, not URLs or plain words', () => {
    expect(
      pathsIn(
        'what does @src/cache/rules.ts do, and why is `package.json` read? see https://x.io/a.md',
      ),
    ).toEqual(['src/cache/rules.ts', 'package.json']);
    expect(pathsIn('how do closures work?')).toEqual([]);
  });
});
