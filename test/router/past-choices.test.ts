import { describe, expect, it } from 'vitest';
import type { Tier } from '../../src/core/tier.js';
import { createRouting } from '../../src/router/context.js';
import { overrideLine, parseOverrides, type OverrideLabel } from '../../src/router/overrides.js';
import { findPastChoice, PAST_CHOICE_COSINE } from '../../src/router/past-choices.js';
import { route } from '../../src/router/route.js';
import { RouterSession } from '../../src/router/session.js';
import { committedModel, turnFeatures } from '../../src/router/trained.js';
import { seedConfig } from '../fixtures/seed-config.js';
import { allLocal, ctx, NOW, SYSTEM, TOOLS } from './helpers.js';

const dim = committedModel().dim;

/** Label lines as the session writes them (routerLabels → overrideLine), parsed back. */
function labels(...choices: [prompt: string, tier: Tier, keepText?: boolean][]): OverrideLabel[] {
  return parseOverrides(
    choices
      .map(([prompt, tier, keepText], i) =>
        overrideLine({
          prompt,
          tier,
          proposedTier: 1,
          dim,
          keepText: keepText ?? true,
          now: new Date(NOW + i * 1000),
        }),
      )
      .join('\n'),
  );
}

const find = (l: readonly OverrideLabel[], prompt: string) =>
  findPastChoice(l, prompt, turnFeatures(prompt, {}, dim).x, dim);

describe('findPastChoice', () => {
  it('finds the same prompt by its hash, even with no text kept', () => {
    const l = labels(['fix the typo in README', 3, false]);
    expect(find(l, 'fix the typo in README')).toMatchObject({ tier: 3, count: 1 });
    expect(find(l, 'fix the typo in README')!.example).toBe(l[0]!.promptHash);
  });

  it(`a rewording is near-identical (cosine ≥ ${PAST_CHOICE_COSINE}); another request of the same kind is not`, () => {
    const l = labels(['fix the typo in the README', 3]);
    expect(find(l, 'fix the typo in README')).toEqual({
      tier: 3,
      count: 1,
      example: 'fix the typo in the README',
    });
    expect(find(l, 'Fix the typo in the README.')?.tier).toBe(3);
    expect(find(l, 'fix the typo in the changelog')).toBeUndefined();
    expect(find(l, 'refactor the parser into modules')).toBeUndefined();
  });

  it('counts the tier most like prompts went to; a tie goes to the most recent', () => {
    const l = labels(
      ['add a unit test for parseConfig in src/config.ts', 2],
      ['add a unit test for parseConfig in src/config/parse.ts', 3],
      ['add a unit test for parseConfig in src/config/index.ts', 3],
    );
    expect(find(l, 'add a unit test for parseConfig in src/config.ts')).toMatchObject({
      tier: 3,
      count: 2,
      example: 'add a unit test for parseConfig in src/config/index.ts',
    });
    const tie = labels(['fix the typo in the README', 2], ['fix the typo in README', 4]);
    expect(find(tie, 'fix the typo in the README!')).toMatchObject({ tier: 4, count: 1 });
  });

  it('the same prompt overridden twice counts once, with its latest tier', () => {
    const l = labels(['fix the typo in README', 0], ['fix the typo in README', 3]);
    expect(find(l, 'fix the typo in README')).toMatchObject({ tier: 3, count: 1 });
  });

  it('vectors of another feature version or size are featurized again from the text; without it they match by hash only', () => {
    const [a, b] = labels(
      ['fix the typo in the README', 3],
      ['fix the typo in the CHANGES file', 2],
    );
    const older = { ...a!, features: { ...a!.features, version: a!.features.version - 1 } };
    const narrower = { ...a!, features: { ...a!.features, dim: 8192, index: [1], value: [1] } };
    expect(find([older, b!], 'fix the typo in README')?.tier).toBe(3);
    expect(find([narrower, b!], 'fix the typo in README')?.tier).toBe(3);
    const { text: _text, ...textless } = older;
    expect(find([textless, b!], 'fix the typo in README')).toBeUndefined();
    expect(find([textless, b!], 'fix the typo in the README')?.tier).toBe(3);
    const window = labels(['fix the typo in the README', 3], ['refactor the parser', 1]);
    const prompt = 'fix the typo in README';
    const x = turnFeatures(prompt, {}, dim).x;
    expect(findPastChoice(window, prompt, x, dim, { window: 1 })).toBeUndefined();
    expect(findPastChoice(window, prompt, x, dim, { window: 2 })?.tier).toBe(3);
  });
});

describe('route() follows past choices', () => {
  const past = labels(
    ['fix the typo in the README', 3],
    ['fix the typo in README', 3],
    ['fix the typo in the README.', 3],
  );

  it('a near-identical prompt goes to the tier the user chose, and says so', () => {
    const before = route({ prompt: 'fix the typo in the README!' }, ctx());
    expect(before.source).not.toBe('past-choice');
    expect(before.followsPastChoice).toBeUndefined();
    const d = route({ prompt: 'fix the typo in the README!' }, ctx({ overrides: past }));
    expect(d.source).toBe('past-choice');
    expect(d.tableTier).toBe(3);
    expect(d.chosen.tier).toBe(3);
    expect(d.classifier).toBe('override');
    expect(d.followsPastChoice).toEqual({ count: 3, tier: 3 });
    expect(d.reasons).toContain(
      'follows your past choices: 3 times you sent prompts like this to tier 3 (local)',
    );
  });

  it('an override for this turn and a saved rule still win; an unlike prompt routes as before', () => {
    const c = ctx({ overrides: past });
    const turn = route({ prompt: 'fix the typo in README', override: { tier: 1 } }, c);
    expect(turn.source).toBe('turn-override');
    expect(turn.followsPastChoice).toBeUndefined();
    const other = 'Review this PR: it migrates the users table to a new schema on production';
    expect(route({ prompt: other }, c)).toEqual(route({ prompt: other }, ctx()));
  });

  it('a vague follow-up follows its task, not the tier the same words were sent to before', () => {
    const okDoIt = labels(['ok do it', 0], ['ok do it', 0]);
    const alone = route({ prompt: 'ok do it' }, ctx({ overrides: okDoIt }));
    expect(alone.source).toBe('past-choice');
    const follow = route(
      { prompt: 'ok do it', facts: { previousTaskType: 'docs' } },
      ctx({ overrides: okDoIt }),
    );
    expect(follow.signals).toContain('continues-previous');
    expect(follow.source).toBe('table');
    expect(follow.followsPastChoice).toBeUndefined();
  });

  it('a retry after a failed attempt is not sent back to a remembered cheaper tier', () => {
    const d = route(
      { prompt: 'fix the typo in the README!', facts: { failedTier: 1 } },
      ctx({ overrides: past }),
    );
    expect(d.source).toBe('table');
    expect(d.followsPastChoice).toBeUndefined();
    expect(d.tableTier).toBe(1);
  });

  it('createRouting passes the overrides source through to every decision', () => {
    const config = seedConfig();
    const routing = createRouting({
      config: () => config,
      session: new RouterSession(),
      history: () => ({ records: [], version: 0 }),
      hasKey: () => true,
      local: { adapter: () => allLocal(), unavailableReason: () => undefined },
      monthSpendUsd: () => 0,
      system: SYSTEM,
      tools: TOOLS,
      now: () => NOW,
      overrides: () => past,
    });
    expect(routing.context().overrides).toBe(past);
    expect(routing.decide({ prompt: 'fix the typo in README' }).followsPastChoice).toEqual({
      count: 3,
      tier: 3,
    });
  });
});
