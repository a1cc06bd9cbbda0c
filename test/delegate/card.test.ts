// The card's delegate-mode API: toggling keeps or drops the plan, the executor resolves through
// the config, and the warning carries the ledger's figures for the task type.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { delegateCard, toggleDelegate } from '../../src/delegate/card.js';
import { call, task } from '../ledger/fixtures.js';

const config = configSchema.parse({
  tiers: {
    '0': ['anthropic/claude-opus-4-6'],
    '2': ['anthropic/claude-haiku-4-5'],
    '3': ['ollama/qwen3:8b'],
  },
});
const TS = '2026-03-10T09:00:00.000Z';

describe('delegate mode on the card', () => {
  it('toggles on with the local executor, onto another executor, and off', () => {
    const on = toggleDelegate(undefined, config);
    expect(on).toEqual({ executor: 'ollama/qwen3:8b' });
    expect(toggleDelegate(on, config, 'haiku')).toEqual({ executor: 'anthropic/claude-haiku-4-5' });
    expect(toggleDelegate(on, config)).toBeUndefined();
  });

  it('warns with the figures when this task type delegated at a higher cost', () => {
    const history = [
      call({ ts: TS, task: 's', taskType: 'implement', costUsd: 0.17 }),
      task({ ts: TS, task: 's', taskType: 'implement' }),
      call({ ts: TS, task: 'd', taskType: 'implement', role: 'planner', costUsd: 0.42 }),
      task({ ts: TS, task: 'd', taskType: 'implement' }),
    ];
    const card = delegateCard({ executor: 'ollama/qwen3:8b' }, 'implement', history, config);
    expect(card).toEqual({
      line: 'delegates to ollama/qwen3:8b (d: solo)',
      warning:
        'delegating implement tasks cost $0.420 per completed task vs $0.170 solo (1 delegated, 1 solo tasks in the ledger)',
    });
    expect(delegateCard({ executor: 'x/y' }, 'debug', history, config).warning).toBeUndefined();
  });
});
