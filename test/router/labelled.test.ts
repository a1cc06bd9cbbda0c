import { describe, expect, it } from 'vitest';
import { TASK_TYPES } from '../../src/core/task.js';
import { route } from '../../src/router/route.js';
import { conversation, ctx, SYSTEM, TOOLS } from './helpers.js';
import { LABELLED } from './labelled.js';

describe('labelled prompts', () => {
  it('cover every task type in English and Japanese, at least 60 in all', () => {
    expect(LABELLED.length).toBeGreaterThanOrEqual(60);
    for (const type of TASK_TYPES) {
      const ofType = LABELLED.filter((l) => l.type === type);
      expect(
        ofType.some((l) => /[぀-ヿ一-鿿]/.test(l.prompt)),
        `${type} has Japanese`,
      ).toBe(true);
      expect(
        ofType.some((l) => /^[\x20-\x7e\s$]+$/.test(l.prompt)),
        `${type} has English`,
      ).toBe(true);
    }
  });

  it.each(LABELLED.map((l) => [l.prompt.split('\n')[0]!.slice(0, 60), l] as const))(
    '%s',
    (_name, l) => {
      const decision = route(
        {
          prompt: l.prompt,
          system: SYSTEM,
          tools: TOOLS,
          messages: l.conversationTokens ? conversation(l.conversationTokens) : [],
          facts: l.facts,
        },
        ctx(),
      );
      expect({ type: decision.taskType, tier: decision.chosen.tier }).toEqual({
        type: l.type,
        tier: l.tier,
      });
      expect(decision.chosen.available).toBe(true);
    },
  );
});
