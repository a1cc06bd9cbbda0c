// The executor's bounded result: what it keeps within the token cap, the headline that is also
// its stub, diff stats from the file tools' diffs, and model aliases through the config.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { changedFromDiffs, briefPrompt } from '../../src/delegate/executor.js';
import { resolveAlias, defaultExecutor } from '../../src/delegate/models.js';
import { renderResult, resultHeadline, type ExecutorResult } from '../../src/delegate/result.js';
import { fileDiff } from '../../src/agent/tools/diff.js';

const count = (text: string): number => Math.ceil(text.length / 4);

const RESULT: ExecutorResult = {
  model: 'ollama/qwen3-coder:30b',
  status: 'done',
  steps: 5,
  changed: Array.from({ length: 12 }, (_, i) => ({ path: `src/mod${i}.ts`, added: i, removed: 1 })),
  check: {
    command: 'npm test',
    passed: true,
    exit: '[exit code 0]',
    tail: Array.from({ length: 6 }, (_, i) => `✓ suite ${i} passed in ${i * 10} ms`),
  },
  notes: Array.from({ length: 8 }, (_, i) => `note ${i}: ${'detail '.repeat(10)}`),
};

describe('bounded executor result', () => {
  it('keeps everything within the cap, and drops notes, then output, then paths above it', () => {
    const full = renderResult(RESULT, { notesLines: 8, checkTailLines: 6, tokens: 10_000 }, count);
    expect(full.split('\n')).toHaveLength(1 + 1 + 1 + 6 + 1 + 8);
    for (const cap of [400, 200, 120, 60, 30]) {
      const text = renderResult(RESULT, { notesLines: 8, checkTailLines: 6, tokens: cap }, count);
      expect(text.split('\n')[0]).toBe(resultHeadline(RESULT));
      if (count(text) > cap) expect(text).toBe(resultHeadline(RESULT));
    }
    const mid = renderResult(RESULT, { notesLines: 8, checkTailLines: 6, tokens: 200 }, count);
    expect(count(mid)).toBeLessThanOrEqual(200);
    expect(mid).not.toContain('note 7');
    expect(mid).toContain('check: npm test [exit code 0]');
    expect(resultHeadline(RESULT)).toBe(
      'executor ollama/qwen3-coder:30b: done after 5 steps · 12 files +66 −12 · check passed',
    );
  });

  it('counts added and removed lines per path from the file tools diffs', () => {
    const a = fileDiff('src/a.ts', 'one\ntwo\n', 'one\n2\nthree\n').diff;
    const b = fileDiff('src/new.ts', undefined, 'x\ny\n').diff;
    expect(changedFromDiffs([a, b], ['src/a.ts', 'src/new.ts'])).toEqual([
      { path: 'src/a.ts', added: 2, removed: 1 },
      { path: 'src/new.ts', added: 2, removed: 0 },
    ]);
    expect(briefPrompt({ goal: 'g', files: ['a'], check: 'npm test' })).toBe(
      'Sub-task: g\nFiles: a\nDone when this exits 0: npm test',
    );
  });
});

describe('model aliases', () => {
  it('resolve through the configured tiers, never a built-in id', () => {
    const config = configSchema.parse({
      tiers: {
        '0': ['anthropic/claude-opus-4-6'],
        '2': ['anthropic/claude-haiku-4-5'],
        '3': ['ollama/qwen3:8b'],
      },
    });
    expect(resolveAlias('opus', config)).toBe('anthropic/claude-opus-4-6');
    expect(resolveAlias('haiku', config)).toBe('anthropic/claude-haiku-4-5');
    expect(resolveAlias('local', config)).toBe('ollama/qwen3:8b');
    expect(resolveAlias('0', config)).toBe('anthropic/claude-opus-4-6');
    expect(defaultExecutor(config)).toBe('ollama/qwen3:8b');
    expect(resolveAlias('ollama/qwen3-coder:30b', config)).toBe('ollama/qwen3-coder:30b');
    expect(() => resolveAlias('gemini', config)).toThrow(/No configured model matches "gemini"/);
  });
});
