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

  // A sanity gate on prompts the model never trained on, not a figure to tune: one prompt of 81
  // is 1.2 points. The weights of 30 Nov 2026 (first pass) routed 65/81; the retrain after two
  // corpus label fixes and the Japanese script-run features routes 64/81 (79.0 %), while the
  // cross-validated corpus figure rose from 81.2 % to 82.2 % (docs/router.md).
  it('the trained classifier routes at least 78% of them to an acceptable tier, in both languages', () => {
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
    expect(accuracy, misses.join('\n')).toBeGreaterThanOrEqual(0.78);
    expect(byLang.ja[1]! / byLang.ja[0]!).toBeGreaterThanOrEqual(0.7);
    expect(byLang.en[1]! / byLang.en[0]!).toBeGreaterThanOrEqual(0.7);
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
