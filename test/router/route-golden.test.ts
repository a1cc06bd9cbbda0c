// Golden decisions of `route()` and of `kirikae route --json`, pinned before route.ts was split
// into stages (issue 14 item 4) so the split is proven not to change a single field.
// Regenerate on purpose only: `UPDATE_GOLDEN=1 npx vitest run test/router/route-golden.test.ts`,
// then `npx prettier --write test/router/golden` (the comparison parses the JSON).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runRoute } from '../../src/commands/route.js';
import type { Config } from '../../src/config/index.js';
import { EMPTY_COOLDOWN, recordFailure } from '../../src/router/cooldown.js';
import { createRouting } from '../../src/router/context.js';
import { route } from '../../src/router/route.js';
import { RouterSession } from '../../src/router/session.js';
import type { Classification, RouteContext, RouteInput } from '../../src/router/types.js';
import { seedConfig } from '../fixtures/seed-config.js';
import { allLocal, conversation, ctx, NOW, SYSTEM, TOOLS } from './helpers.js';

const FILE = new URL('./golden/route-decisions.json', import.meta.url);
const CLI_FILE = new URL('./golden/route-cli.json', import.meta.url);

/** A fixed classification: these goldens are about routing, not about the trained weights. */
function cls(
  taskType: Classification['taskType'],
  complexity: Classification['complexity'],
  confidence = 0.8,
): Classification {
  return {
    taskType,
    baseTaskType: taskType,
    complexity,
    confidence,
    signals: [],
    source: 'trained',
  };
}

function withConfig(mutate: (c: Config) => void): Config {
  const config = seedConfig();
  mutate(config);
  return config;
}

const budget = (action: Config['budget']['action']) =>
  withConfig((c) => {
    c.budget.monthlyUsd = 50;
    c.budget.action = action;
  });

interface Scenario {
  name: string;
  input: RouteInput;
  ctx: () => RouteContext;
}

const base = { system: SYSTEM, tools: TOOLS };
const SCENARIOS: Scenario[] = [
  {
    name: 'implement c3, everything available',
    input: { prompt: 'add a --json flag', ...base, classification: cls('implement', 3) },
    ctx: () => ctx(),
  },
  {
    name: 'quick-fix c1 goes local',
    input: { prompt: 'fix the typo', ...base, classification: cls('quick-fix', 1) },
    ctx: () => ctx(),
  },
  {
    name: 'architecture c5, no cloud keys',
    input: { prompt: 'design it', ...base, classification: cls('architecture', 5) },
    ctx: () => ctx({ hasKey: () => false }),
  },
  {
    name: 'research, low confidence',
    input: { prompt: 'which one', ...base, classification: cls('research', 2, 0.3) },
    ctx: () => ctx(),
  },
  {
    name: 'debug c4 after a failure',
    input: {
      prompt: 'still broken',
      ...base,
      facts: { followUpOfFailure: true },
      classification: cls('debug', 4),
    },
    ctx: () => ctx(),
  },
  {
    name: 'turn override to tier 0',
    input: {
      prompt: 'x',
      ...base,
      override: { tier: 0 },
      classification: cls('docs', 2),
    },
    ctx: () => ctx(),
  },
  {
    name: 'forced model that is unavailable',
    input: {
      prompt: 'x',
      ...base,
      override: { model: 'ollama/glm-4.7' },
      classification: cls('bugfix', 2),
    },
    ctx: () => ctx({ local: undefined, localUnavailableReason: 'Ollama is not running' }),
  },
  {
    name: 'budget ask, spent',
    input: { prompt: 'fix it', ...base, classification: cls('bugfix', 2) },
    ctx: () => ctx({ monthSpendUsd: 50 }, budget('ask')),
  },
  {
    name: 'budget local-only, spent',
    input: { prompt: 'which one', ...base, classification: cls('research', 2) },
    ctx: () => ctx({ monthSpendUsd: 50 }, budget('local-only')),
  },
  {
    name: 'budget block, spent',
    input: { prompt: 'fix it', ...base, classification: cls('bugfix', 2) },
    ctx: () => ctx({ monthSpendUsd: 50 }, budget('block')),
  },
  {
    name: 'budget 95 % warning',
    input: { prompt: 'fix it', ...base, classification: cls('implement', 2) },
    ctx: () => ctx({ monthSpendUsd: 47.6 }, budget('ask')),
  },
  {
    name: 'long conversation, warm on sonnet',
    input: {
      prompt: 'and now the tests',
      ...base,
      messages: conversation(20_000),
      classification: cls('test', 3),
    },
    ctx: () => {
      const session = new RouterSession();
      const messages = conversation(20_000);
      session.noteSent(
        'anthropic/claude-sonnet-4-6',
        { system: SYSTEM, tools: TOOLS, messages },
        NOW - 60_000,
      );
      return ctx({ session });
    },
  },
  {
    name: 'anthropic cooling down, nothing resident',
    input: { prompt: 'review', ...base, classification: cls('review', 3) },
    ctx: () => {
      let cooldown = EMPTY_COOLDOWN;
      for (let i = 0; i < 3; i++)
        cooldown = recordFailure(cooldown, 'anthropic', { kind: 'overloaded' }, NOW - 1000);
      return ctx({ cooldown, local: allLocal([]) });
    },
  },
];

function compare(file: URL, actual: unknown): void {
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
    writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
  }
  expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
}

describe('route golden', () => {
  it('every scenario decides exactly as pinned', () => {
    const out: Record<string, unknown> = {};
    for (const s of SCENARIOS) out[s.name] = route(s.input, s.ctx());
    compare(FILE, out);
  });

  it('kirikae route --json prints exactly as pinned', async () => {
    const config = seedConfig();
    const routing = createRouting({
      config: () => config,
      session: new RouterSession(),
      history: () => ({ records: [], version: 0 }),
      hasKey: (p) => p !== 'openai',
      local: { adapter: () => allLocal(), unavailableReason: () => undefined },
      monthSpendUsd: () => 3,
      system: SYSTEM,
      tools: TOOLS,
      now: () => NOW,
    });
    const prompts = [
      'fix the typo in README',
      'Why does the worker leak memory after the upgrade to node 22? heap grows 50MB/hour',
      'which charting library should we use for the dashboard, recharts or visx?',
      'READMEの誤字を直して',
      'Review this PR: it migrates the users table to a new schema on production',
    ];
    const out: Record<string, unknown> = {};
    for (const prompt of prompts) {
      let text = '';
      const stdout = new PassThrough();
      stdout.on('data', (c: Buffer) => (text += c.toString()));
      const stderr = new PassThrough();
      const code = await runRoute(
        { prompt, json: true },
        { config: () => config, routing },
        { stdout, stderr, env: {} },
      );
      expect(code).toBe(0);
      out[prompt] = JSON.parse(text);
    }
    compare(CLI_FILE, out);
  });
});
