import { describe, expect, it } from 'vitest';
import { delegateToolSpec } from '../../src/delegate/tool.js';
import { createRouting } from '../../src/router/context.js';
import { RouterSession } from '../../src/router/session.js';
import { TokenCounter } from '../../src/router/tokens.js';
import { seedConfig } from '../fixtures/seed-config.js';
import { allLocal, NOW, SYSTEM, TOOLS } from './helpers.js';

describe('createRouting', () => {
  it("counts a turn's extra tools (delegate mode's) in the request it prices", () => {
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
    });
    const override = { model: 'anthropic/claude-sonnet-5-5' };
    const prompt = 'explain what the build script does';
    const solo = routing.decide({ prompt, override }).chosen.estimate;
    const spec = delegateToolSpec();
    const delegated = routing.decide({ prompt, override, extraTools: [spec] }).chosen.estimate;
    const counted = new TokenCounter().tools([spec]);
    expect(counted).toBeGreaterThan(100);
    expect(delegated.rawInputTokens - solo.rawInputTokens).toBe(counted);
    expect(delegated.usdP50!).toBeGreaterThan(solo.usdP50!);
  });
});
