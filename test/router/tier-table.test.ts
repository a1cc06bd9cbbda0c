import { describe, expect, it } from 'vitest';
import { loadExamples } from '../../scripts/router/corpus.js';
import { fitTierTable } from '../../scripts/router/table-fit.js';
import { TASK_TYPES, type Complexity } from '../../src/core/task.js';
import { TIERS } from '../../src/core/tier.js';
import { CAPABILITY } from '../../src/router/table.js';
import {
  cellsOf,
  MIN_CELL_PROMPTS,
  TIER_TABLE,
  tierFor,
  UNLABELLED_CELLS,
} from '../../src/router/tier-table.js';
import {
  ACCEPTABLE_SETS,
  decide,
  RISKY_REVIEW_TIERS,
  tierFromSets,
} from '../../src/router/decide.js';

describe('tier table by task type and complexity', () => {
  it('never sends a harder task of a type to a weaker tier', () => {
    for (const type of TASK_TYPES) {
      const row = TIER_TABLE[type];
      for (let c = 1; c < 5; c++) {
        expect(CAPABILITY[row[c]!], `${type} c${c + 1}`).toBeGreaterThanOrEqual(
          CAPABILITY[row[c - 1]!],
        );
      }
    }
  });

  it('splits review by size and risk, debugging by depth, and sends research to the budget tier', () => {
    expect(tierFor('review', 1)).toBe(3);
    expect(tierFor('review', 3)).toBe(1);
    expect(tierFor('review', 5)).toBe(0);
    expect(tierFor('debug', 2)).toBe(1);
    expect(tierFor('debug', 5)).toBe(0);
    expect(tierFor('research', 2)).toBe(4);
    expect(tierFor('quick-fix', 1)).toBe(3);
  });

  it('is the table the eval fits, on the whole corpus', () => {
    // The eval refits the table on each training fold with fitTierTable; a hand-edited cell
    // here would route differently from what the eval measured (ten cells did: three labelled, seven empty).
    expect(TIER_TABLE).toEqual(fitTierTable(loadExamples()));
  });

  it('sets by judgement only cells the corpus has fewer than MIN_CELL_PROMPTS prompts in', () => {
    const corpus = loadExamples();
    for (const [type, cells] of Object.entries(UNLABELLED_CELLS)) {
      for (const c of Object.keys(cells!)) {
        const n = corpus.filter((e) => e.taskType === type && e.complexity === Number(c)).length;
        expect(n, `${type} c${c}`).toBeLessThan(MIN_CELL_PROMPTS);
      }
    }
  });

  it('a tier the user set in routing.table wins over the split', () => {
    expect(tierFor('review', 5, { review: 3 })).toBe(3);
    expect(tierFor('review', 5, { debug: 2 })).toBe(0);
  });

  it('every tier is reachable, so a tier decision can always be shown as a type and complexity', () => {
    for (const tier of TIERS) expect(cellsOf(tier).length, `tier ${tier}`).toBeGreaterThan(0);
  });
});

describe('decide', () => {
  const uniform = (n: number) => Array.from({ length: n }, () => 1 / n);
  it('returns a task type and complexity that the table routes to the chosen tier', () => {
    for (const strategy of ['table', 'joint', 'tier', 'blend'] as const) {
      for (const tier of TIERS) {
        const pTier = TIERS.map((t) => (t === tier ? 0.9 : 0.025));
        const d = decide({ taskType: uniform(12), complexity: uniform(5), tier: pTier }, strategy);
        expect(tierFor(d.taskType, d.complexity as Complexity)).toBe(d.tier);
        if (strategy === 'tier') expect(d.tier).toBe(tier);
      }
    }
  });

  it('shows a labelled cell of the chosen tier before a judged one ("quick-fix, complexity 4")', () => {
    const taskType = TASK_TYPES.map((t) => (t === 'quick-fix' ? 0.6 : t === 'docs' ? 0.4 : 0));
    const complexity = [0, 0.1, 0, 0.9, 0];
    const tier = [0.1, 0.1, 0.9, 0.1, 0.1];
    const d = decide({ taskType, complexity, tier }, 'tier');
    expect(d.tier).toBe(2);
    // quick-fix c4 (judged: no corpus prompt is there) scores 0.54, docs c2 0.04.
    expect(UNLABELLED_CELLS['quick-fix']?.[4]).toBe(2);
    expect([d.taskType, d.complexity]).toEqual(['docs', 2]);
  });

  it('joint sums the cells of a tier: many weak votes for standard beat one strong cell', () => {
    const taskType = TASK_TYPES.map((t) =>
      t === 'review' ? 0.4 : t === 'bugfix' || t === 'implement' || t === 'refactor' ? 0.2 : 0,
    );
    const complexity = [0, 0, 1, 0, 0];
    const d = decide({ taskType, complexity, tier: uniform(5) }, 'joint');
    // review c3 → 1, bugfix/implement/refactor c3 → 1: all standard.
    expect(d.tier).toBe(1);
    expect(d.p).toBeCloseTo(1);
  });

  it('ensemble: the set head votes for a tier through every acceptable set that contains it', () => {
    // The set head is split between [3,2] and [4,2]: neither local nor budget wins alone, but
    // efficient is acceptable in both, so the set marginals put over 0.9 on tier 2.
    const set = ACCEPTABLE_SETS.map((s) =>
      s.join() === '3,2' ? 0.45 : s.join() === '4,2' ? 0.45 : 0.1 / 6,
    );
    expect(tierFromSets(set)[2]).toBeCloseTo(0.9 + (2 * 0.1) / 6); // also in [2] and [2,1]
    const taskType = TASK_TYPES.map((t) => (t === 'quick-fix' ? 1 : 0));
    const complexity = [0, 0, 0.5, 0.5, 0]; // quick-fix c3 → tier 3, quick-fix c4 → tier 2
    const tier = [0.1, 0.2, 0.5, 0.55, 0.3];
    const p = { taskType, complexity, tier, set };
    // Without the set head: tier 3 (0.5 + 0.55) / 2 beats tier 2 (0.5 + 0.5) / 2.
    expect(decide(p, 'blend').tier).toBe(3);
    // With it: tier 2 (0.5 + 0.5 + 0.93) / 3 beats tier 3 (0.5 + 0.55 + 0.47) / 3.
    const d = decide(p, 'ensemble');
    expect(d.tier).toBe(2);
    expect(d.p).toBeCloseTo((0.5 + 0.5 + 0.9 + (2 * 0.1) / 6) / 3);
    // A model without a set head falls back to blend's pick.
    expect(decide({ taskType, complexity, tier }, 'ensemble').tier).toBe(3);
  });

  it('lean: the cheaper tier when it is nearly as acceptable as the most acceptable one', () => {
    // A quick fix the three views find acceptable on tier 2 a little more often than on tier 3:
    // its acceptable sets with tier 2 outnumber those with tier 3.
    const taskType = TASK_TYPES.map((t) => (t === 'quick-fix' ? 1 : 0));
    const complexity = [0, 0, 0.5, 0.5, 0]; // quick-fix c3 → tier 3, c4 → tier 2
    const tier = [0.05, 0.3, 0.9, 0.925, 0.2];
    const set = ACCEPTABLE_SETS.map(() => 1 / ACCEPTABLE_SETS.length);
    const p = { taskType, complexity, tier, set };
    const view = (t: number) =>
      (complexity[t === 3 ? 2 : 3]! + tier[t]! + tierFromSets(set)[t]!) / 3;
    expect(view(2) - view(3)).toBeGreaterThan(0.05);
    expect(view(2) - view(3)).toBeLessThan(0.1);
    expect(decide(p, 'ensemble').tier).toBe(2);
    expect(decide(p, 'lean5').tier).toBe(2);
    const lean = decide(p, 'lean10');
    expect(lean.tier).toBe(3);
    expect(lean.p).toBeCloseTo(view(3));
    expect(lean).toMatchObject({ taskType: 'quick-fix', complexity: 3 });
    // A restriction still has the last word: a risky review picks among tiers 1 and 0.
    expect(decide(p, 'lean10', undefined, RISKY_REVIEW_TIERS).tier).toBe(1);
  });
});
