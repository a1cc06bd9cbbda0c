// The model classifier's logged answers (<dataDir>/router/agreement.jsonl, written by the
// session) as training-only labels: `train-router --with-agreement <file>`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TASK_TYPES } from '../../src/core/task.js';
import { logits } from '../../src/router/linear.js';
import { parseRouterArgs } from '../../scripts/router/cli.js';
import { agreementExamples, parseCorpus } from '../../scripts/router/corpus.js';
import { DEFAULT_FIT } from '../../scripts/router/fit.js';
import { featurizeExamples, labelsOf, prepare, trainHeads } from '../../scripts/router/pipeline.js';
import { fitTierTable } from '../../scripts/router/table-fit.js';

/** A line as routerLabels().agreement writes it (src/wiring/session-aids.ts). */
const line = (text: string, taskType: string, complexity: number, extra = {}) =>
  JSON.stringify({
    kind: 'agreement',
    at: '2026-12-01T10:00:00.000Z',
    text,
    model: 'qwen3:8b',
    ms: 412,
    agreement: false,
    taskType,
    complexity,
    ...extra,
  });

const corpus = [
  ['fix the typo in README', 'quick-fix', 1, [3, 2], 's1'],
  ['which ORM should we use for Postgres?', 'research', 2, [4, 2], 's2'],
  ['design the plugin architecture', 'architecture', 5, [0], 's3'],
  ['add a --json flag to the list command', 'implement', 2, [2, 1], 's4'],
  ['why does the worker leak memory under load?', 'debug', 4, [1, 0], 's5'],
  ['write the changelog entry for 0.2.0', 'docs', 2, [2], 's6'],
]
  .map(([text, taskType, complexity, acceptableTiers, source], i) =>
    JSON.stringify({ id: `t${i}`, text, taskType, complexity, acceptableTiers, source }),
  )
  .join('\n');

describe('the model classifier’s answers as labels', () => {
  it('parse into type and complexity labels, the latest per prompt, skipping what is not one', () => {
    const examples = agreementExamples(
      [
        line('explain the sync layer', 'architecture', 3),
        line('explain the sync layer', 'research', 2),
        line('tidy the imports', 'quick-fix', 9),
        line('', 'docs', 2),
        JSON.stringify({ kind: 'override', text: 'x', taskType: 'docs', complexity: 2 }),
        line('READMEを直して', 'docs', 1),
      ].join('\n'),
    );
    expect(examples).toMatchObject([
      { text: 'explain the sync layer', taskType: 'research', complexity: 2, lang: 'en' },
      { text: 'READMEを直して', taskType: 'docs', complexity: 1, lang: 'ja' },
    ]);
    for (const e of examples) expect(e).toMatchObject({ origin: 'model', acceptableTiers: [] });
    expect(() => agreementExamples('{not json', 'a.jsonl')).toThrow('a.jsonl:1: not JSON');
  });

  it('train the type and complexity heads only; the tier heads and the tier table ignore them', () => {
    const [answer] = agreementExamples(line('explain the sync layer', 'research', 2));
    expect(labelsOf([answer!], 'taskType')).toEqual([[TASK_TYPES.indexOf('research')]]);
    expect(labelsOf([answer!], 'complexity')).toEqual([[1]]);
    expect(labelsOf([answer!], 'tier')).toEqual([undefined]);
    expect(labelsOf([answer!], 'set')).toEqual([undefined]);
    // A cell with only answers in it has no votes: it is filled as an empty cell.
    const answers = agreementExamples(line('tidy the imports', 'quick-fix', 1));
    expect(fitTierTable(answers)).toEqual(fitTierTable([]));
  });

  it('are in every training fold and never scored', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kirikae-agreement-'));
    writeFileSync(join(dir, 'corpus.jsonl'), corpus);
    writeFileSync(
      join(dir, 'agreement.jsonl'),
      [
        line('explain the sync layer', 'research', 2),
        line('tidy the imports', 'quick-fix', 1),
      ].join('\n'),
    );
    const opts = parseRouterArgs([
      '--corpus',
      join(dir, 'corpus.jsonl'),
      '--with-agreement',
      join(dir, 'agreement.jsonl'),
      '--folds',
      '3',
      '--dim',
      '1024',
    ]);
    const { examples, shared, folds } = prepare(opts);
    expect(shared).toBe(6);
    expect(examples.slice(shared).map((e) => e.origin)).toEqual(['model', 'model']);
    for (const f of folds) {
      expect(f.train).toEqual(expect.arrayContaining([6, 7]));
      expect(f.test.every((i) => i < shared)).toBe(true);
    }
  });

  it('teach the type head what the model said about words the corpus never had', () => {
    const dim = 1 << 12;
    const base = parseCorpus(corpus);
    const answers = agreementExamples(
      ['zorblax the frobnicator', 'zorblax every gizmo', 'zorblax the whole module']
        .map((t) => line(t, 'docs', 2))
        .join('\n'),
    );
    const pDocs = (examples: typeof base) => {
      const xs = featurizeExamples(examples, dim);
      const heads = trainHeads(
        xs,
        examples,
        examples.map((_, i) => i),
        { ...DEFAULT_FIT, dim },
      );
      const [probe] = featurizeExamples(
        parseCorpus(
          JSON.stringify({ text: 'zorblax the parser', taskType: 'chat', acceptableTiers: [4] }),
        ),
        dim,
      );
      const z = logits(heads.taskType, probe!);
      const max = Math.max(...z);
      const e = Array.from(z, (v) => Math.exp(v - max));
      return e[TASK_TYPES.indexOf('docs')]! / e.reduce((a, b) => a + b, 0);
    };
    expect(pDocs([...base, ...answers])).toBeGreaterThan(pDocs(base) + 0.2);
  });
});
