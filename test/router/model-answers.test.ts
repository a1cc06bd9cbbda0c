// Recorded model-classifier answers scored against the held-out routes (eval-router
// --model-answers), and scripts/ask-classifier.ts recording them through the session's own
// client against the Ollama stub.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarise, type Scored } from '../../scripts/router/evaluate.js';
import type { Example } from '../../scripts/router/corpus.js';
import {
  classifierPromptHash,
  parseModelAnswers,
  textHash,
  withModelAnswers,
} from '../../scripts/router/model-answers.js';
import { tierFor } from '../../src/router/tier-table.js';
import { QWEN3_8B, preload, startAllStubs, type AllStubs } from '../support/all-stubs.js';

const ex = (id: string, text: string, acceptableTiers: Example['acceptableTiers']): Example =>
  ({ id, text, lang: 'en', acceptableTiers, group: id, origin: 'corpus' }) as Example;
const scored = (e: Example, tier: Scored['tier'], confidence: number): Scored => ({
  ex: e,
  tier,
  correct: e.acceptableTiers.includes(tier),
  confidence,
});
const answer = (e: Example, taskType: string, complexity: number, hashOf = e.text!) =>
  JSON.stringify({
    id: e.id,
    textHash: textHash(hashOf),
    outcome: 'answered',
    taskType,
    complexity,
  });

describe('withModelAnswers', () => {
  const fix = ex('a', 'in setDate the offset is added instead of subtracted; fix the sign', [3, 2]);
  const edited = ex('b', 'rename tmp to totalUsd in report.ts', [3, 2]);
  const sure = ex('c', 'design the plugin runtime', [0]);
  const failed = ex('d', 'why does the worker pool deadlock under load?', [1, 0]);
  const slow = ex('e', 'fix the typo in the README', [3, 2]);
  const risky = ex('f', 'review this PR: it migrates the users table on production', [1, 0]);
  const edge = ex('g', 'bump lodash to 4.17.21', [3, 2]);
  const followUp = {
    ...ex('h', 'ok do it', [1]),
    facts: { previousTaskType: 'implement' },
  } as Example;
  const base = summarise('ensemble', [
    scored(fix, 1, 0.7), // wrong offline, asked, the model gets it right
    scored(edited, 1, 0.6), // asked, but the answer was given to another text
    scored(sure, 1, 0.9), // above the threshold: never asked, whatever the file says
    scored(failed, 1, 0.72), // asked, the model timed out: the offline route stands
    scored(slow, 1, 0.7), // answered after the session's budget: as if it had not
    scored(risky, 1, 0.7), // the model says "review, 1"; the session keeps it on tier 1
    scored(edge, 1, 0.749), // shown as 0.75 on the card: not below 0.75, not asked
    scored(followUp, 1, 0.6), // a follow-up only the conversation explains: never asked
  ]);
  const answers = parseModelAnswers(
    [
      answer(fix, 'bugfix', 1),
      answer(edited, 'quick-fix', 1, 'rename tmp to total in report.ts'),
      answer(sure, 'architecture', 5),
      JSON.stringify({ id: 'd', textHash: textHash(failed.text!), outcome: 'timeout', ms: 800 }),
      answer(slow, 'quick-fix', 1).replace('}', ',"ms":2400}'),
      answer(risky, 'review', 1),
      answer(edge, 'architecture', 5),
      answer(followUp, 'chat', 1),
    ].join('\n'),
  );
  const options = { askBelow: 0.75, budgetMs: 800 };

  it('takes the model’s route where the session would ask, and only a fresh, timely answer', () => {
    expect(tierFor('bugfix', 1)).toBe(3);
    const m = withModelAnswers(base, answers, options);
    expect(m).toMatchObject({ asked: 5, answered: 2, late: 1, missing: 2 });
    expect(m.offlineAccuracy).toBe(1 / 2);
    expect(m.modelAccuracy).toBe(1);
    expect(m.report.scored.map((s) => s.tier)).toEqual([3, 1, 1, 1, 1, 1, 1, 1]);
    expect(m.report.accuracy).toBe(4 / 8);
    expect(base.accuracy).toBe(3 / 8);
    // A threshold that asks about nothing leaves the held-out routes as they were.
    expect(withModelAnswers(base, answers, { ...options, askBelow: 0.5 }).report.scored).toEqual(
      base.scored,
    );
    // A longer budget takes the slow answer.
    expect(withModelAnswers(base, answers, { ...options, budgetMs: 3000 }).late).toBe(0);
  });

  it('names the line of a file that is not answers', () => {
    expect(() =>
      parseModelAnswers(`${answer(fix, 'bugfix', 1)}\n${answer(fix, 'bugfix', 2)}`, 'x.jsonl'),
    ).toThrow(/x\.jsonl:2: a second answer for a/);
    expect(() =>
      parseModelAnswers(answer(fix, 'bugfix', 1).replace('answered', 'maybe'), 'x.jsonl'),
    ).toThrow(/x\.jsonl:1: not an answer/);
    expect(() => parseModelAnswers('{"id":"a"}\nnot json', 'x.jsonl')).toThrow(
      /x\.jsonl:1: not an answer/,
    );
    expect(() => parseModelAnswers('\nnot json', 'x.jsonl')).toThrow(/x\.jsonl:2: not JSON/);
    expect(() => parseModelAnswers(answer(fix, 'bugfix', 7), 'x.jsonl')).toThrow(
      /x\.jsonl:1: not an answer/,
    );
    expect(() => parseModelAnswers(answer(fix, 'debugging', 2), 'x.jsonl')).toThrow(
      /x\.jsonl:1: not an answer/,
    );
  });
});

describe('scripts/ask-classifier.ts', () => {
  let stubs: AllStubs;
  beforeAll(async () => {
    stubs = await startAllStubs({ models: [QWEN3_8B] });
    await preload(stubs.ollama.url, 'qwen3:8b');
  });
  afterAll(async () => {
    await stubs.close();
  });

  const run = (script: string, args: string[], env: NodeJS.ProcessEnv) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('asks the resident model through the session’s client and eval-router scores the answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kirikae-ask-test-'));
    // Every 19th corpus line: enough for a five-fold CV, small enough to train in seconds.
    const lines = readFileSync('data/router/corpus.jsonl', 'utf8').trim().split('\n');
    const corpus = join(dir, 'corpus.jsonl');
    const sample = lines.filter((_, i) => i % 19 === 0);
    writeFileSync(corpus, `${sample.join('\n')}\n`);
    const reply = (taskType: string, complexity: number) => ({
      chunks: [JSON.stringify({ taskType, complexity, confidence: 0.9 })],
    });
    stubs.ollama.chatSteps.push(reply('quick-fix', 1), reply('debug', 4), { chunks: ['not json'] });
    const env = {
      ...stubs.env,
      KIRIKAE_DATA_DIR: join(dir, 'data'),
      KIRIKAE_CONFIG_DIR: join(dir, 'config'),
    };
    const out = join(dir, 'answers.jsonl');
    // A narrow model: the plumbing is under test here, not the figures.
    const common = ['--corpus', corpus, '--ask-below', '1', '--dim', '4096'];
    const asked = await run(
      'scripts/ask-classifier.ts',
      [...common, '--limit', '3', '--classifier', 'auto', '--out', out],
      env,
    );
    expect(asked.stderr).toMatch(/asking auto/);
    expect(asked.code).toBe(0);
    const recorded = parseModelAnswers(readFileSync(out, 'utf8'), out);
    expect(
      [...recorded.values()].map((a) => [a.outcome, a.taskType, a.complexity, a.model]),
    ).toEqual([
      ['answered', 'quick-fix', 1, 'ollama/qwen3:8b'],
      ['answered', 'debug', 4, 'ollama/qwen3:8b'],
      ['invalid', undefined, undefined, 'ollama/qwen3:8b'],
    ]);
    expect(asked.stderr).toMatch(/answered 2, invalid 1; \d+ input and \d+ output tokens/);
    // Each answer says which classifier prompt asked and how long it took.
    for (const a of recorded.values()) {
      expect(a.promptHash).toBe(classifierPromptHash());
      expect(a.ms).toBeGreaterThanOrEqual(0);
    }
    // The classifier prompt went out with the JSON schema, as in the session.
    const chat = stubs.ollama.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    expect(chat.body).toMatchObject({ model: 'qwen3:8b', format: { type: 'object' } });

    const scoredRun = await run('scripts/eval-router.ts', [...common, '--model-answers', out], env);
    expect(scoredRun.code).toBe(0);
    const n = sample.length;
    expect(scoredRun.stdout).toMatch(/\w+ \+ the model classifier below 1 /);
    expect(scoredRun.stdout).toContain(
      `asked about ${n} of ${n} prompts (100.0%); answered 2 (${n - 2} without a usable answer: offline route kept)`,
    );
  }, 120_000);
});
