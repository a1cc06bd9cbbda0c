import { describe, expect, it } from 'vitest';
import { TASK_TYPES } from '../../src/core/task.js';
import { classify } from '../../src/router/classify.js';
import { route } from '../../src/router/route.js';
import { tierFor } from '../../src/router/tier-table.js';
import { conversation, ctx, SYSTEM, TOOLS } from './helpers.js';
import { LABELLED } from './labelled.js';

// These prompts were written by hand for the rule classifier and are NOT in the training data of
// the committed weights (train-router leaves them out unless --with-labelled): a held-out check
// with another author's phrasing. Acceptable tiers follow data/router/LABELLING.md.
const promptOnly = LABELLED.filter((l) => !l.conversationTokens);
const JAPANESE = /[぀-ヿ一-鿿]/;

describe('labelled prompts', () => {
  it('cover every task type in English and Japanese, at least 60 in all', () => {
    expect(LABELLED.length).toBeGreaterThanOrEqual(60);
    for (const type of TASK_TYPES) {
      const ofType = LABELLED.filter((l) => l.type === type);
      expect(
        ofType.some((l) => JAPANESE.test(l.prompt)),
        `${type} has Japanese`,
      ).toBe(true);
      expect(
        ofType.some((l) => /^[\x20-\x7e\s$]+$/.test(l.prompt)),
        `${type} has English`,
      ).toBe(true);
    }
  });

  // The gate is derived from the nested cross-validated accuracy (docs/router.md, `npm run
  // eval:router -- --nested --l2-grid 3e-5,1e-4,3e-4`), not from what the shipped weights score
  // here: a model as good on new prompts as the CV says should route at least CV − 2σ of these n
  // prompts acceptably, σ = √(p(1−p)/n) the binomial spread of a sample of n. Below that, the
  // weights (or the features they are read with) are worse on unseen phrasing than the CV
  // claims. With p = 85.5 % (the nested CV on the 2,595-prompt corpus, 2 Dec 2026): 77.7 % of
  // 81, 75.2 % of the 47 English, 73.4 % of the 34 Japanese (the weights then route 69: 40 and
  // 29). Before the corpus's 193 terse prompts, at p = 86.7 %, these prompts fell one short (64
  // of 81): the CV's gain had not reached short requests like them (docs/router.md).
  const NESTED_CV_ACCURACY = 0.855;
  const floor = (n: number) =>
    NESTED_CV_ACCURACY - 2 * Math.sqrt((NESTED_CV_ACCURACY * (1 - NESTED_CV_ACCURACY)) / n);
  it('the trained classifier routes them about as well as the nested CV predicts, in both languages', () => {
    const misses: string[] = [];
    const byLang = { en: [0, 0], ja: [0, 0] };
    for (const l of promptOnly) {
      const c = classify(l.prompt, l.facts);
      const tier = tierFor(c.baseTaskType, c.complexity);
      const ok = (l.tiers ?? [l.tier]).includes(tier);
      const lang = JAPANESE.test(l.prompt) ? 'ja' : 'en';
      byLang[lang][0]!++;
      if (ok) byLang[lang][1]!++;
      else misses.push(`${l.prompt.slice(0, 50)} → ${c.baseTaskType}/${c.complexity} tier ${tier}`);
    }
    const accuracy = (byLang.en[1]! + byLang.ja[1]!) / promptOnly.length;
    expect(accuracy, misses.join('\n')).toBeGreaterThanOrEqual(floor(promptOnly.length));
    for (const [n, ok] of [byLang.en, byLang.ja])
      expect(ok! / n!).toBeGreaterThanOrEqual(floor(n!));
  });

  it.each(LABELLED.filter((l) => l.conversationTokens).map((l) => [l.prompt, l] as const))(
    'a long conversation routes "%s" as long-context to an available model',
    (_name, l) => {
      const decision = route(
        {
          prompt: l.prompt,
          system: SYSTEM,
          tools: TOOLS,
          messages: conversation(l.conversationTokens!),
          facts: l.facts,
        },
        ctx(),
      );
      expect(decision.taskType).toBe('long-context');
      expect(decision.chosen.available).toBe(true);
    },
  );
});
