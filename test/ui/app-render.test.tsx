// What the real App draws for a given state: route card, status bar, transcript, live turn,
// narrow terminals and NO_COLOR.
import chalk from 'chalk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppState, TranscriptItem } from '../../src/session/types.js';
import { hasColour, renderApp, widestLine } from './app-harness.js';
import { createFakeController, proposal, routeView, turnItem } from './fake-controller.js';

let mounted: { unmount(): void }[] = [];
afterEach(() => {
  for (const m of mounted) m.unmount();
  mounted = [];
});

async function draw(state: Partial<AppState>, options: Parameters<typeof renderApp>[1] = {}) {
  const app = createFakeController(state);
  const ui = renderApp(app, options);
  mounted.push(ui);
  await ui.settle();
  return { app, ui, frame: ui.text() };
}

const transcript = (): TranscriptItem[] => [
  { id: 1, kind: 'notice', level: 'warn', text: 'No cloud keys set: export ANTHROPIC_API_KEY' },
  { id: 2, kind: 'user', text: 'why does parseDate fail on 2024-02-29T00:00:00+09:00?' },
  {
    id: 3,
    kind: 'tool',
    name: 'edit',
    summary: 'src/date.ts (+2 −1)',
    ok: true,
    detail: '-  return new Date(s)\n+  const d = parseIso(s)\n+  return d',
  },
  {
    id: 4,
    kind: 'assistant',
    model: 'anthropic/claude-sonnet-4-6',
    text: 'The offset was dropped. Fixed:\n```ts\nconst d = parseIso(s); // keeps the +09:00 offset\n```\nRun the tests again.',
  },
  turnItem({ id: 5 }),
  turnItem({ id: 6, model: 'openrouter/acme/unpriced-model', tier: null, costUsd: null }),
];

describe('route card', () => {
  it('shows the task type, the model, p50–p90 and the expected cost per task', async () => {
    const { frame } = await draw({ proposal: proposal() });
    expect(frame).toContain('bugfix · complexity 3/5');
    expect(frame).toContain('▶ 1 standard anthropic/claude-sonnet-4-6');
    expect(frame).toContain('$0.031–$0.087 p50–p90');
    expect(frame).toContain('$0.124/task expected · success 82% · ~14 s');
    expect(frame).toContain('tokens: 12K in (9.0K cache read) · ~1.8K out');
    expect(frame).toContain('· bugfix with a failing test');
  });

  it('keeps the whole key hint at 80, 100 and 120 columns', async () => {
    for (const columns of [80, 100, 120]) {
      const { frame } = await draw({ proposal: proposal() }, { columns });
      const hint = frame.split('\n').find((l) => l.includes('Enter accept'))!;
      expect(hint, `${columns} columns`).toMatch(/d delegate · Esc cancel/);
    }
  });

  it('shows a cached answer first, with its own keys', async () => {
    const { frame } = await draw({
      proposal: proposal({
        cached: {
          line: 'cached answer from 2 h ago (similarity 0.93, was openrouter/deepseek…, $0.004)',
          answer: 'CAP says: under a partition, pick consistency or availability.',
        },
      }),
    });
    expect(frame).toContain('cached answer from 2 h ago (similarity 0.93');
    expect(frame).toContain('CAP says: under a partition');
    expect(frame).toContain('Enter use it ($0) · r route anyway · x wrong answer · Esc cancel');
    expect(frame).not.toContain('0–4 tier');
  });

  it('names the classifier, says "classifying…" while the model is asked, and the delegate line', async () => {
    const asking = await draw({ proposal: proposal({ classifying: true }) });
    expect(asking.frame).toContain('bugfix · complexity 3/5 · classifying…');
    const delegated = await draw({
      proposal: proposal({
        classifier: {
          source: 'model',
          confidence: 0.8,
          detail: 'model qwen3:8b · 412 ms · local, $0',
        },
        delegate: {
          line: 'delegates to ollama/qwen3-coder:30b (d: solo)',
          warning: 'delegation cost $0.40 more per bugfix',
        },
      }),
    });
    expect(delegated.frame).toContain('bugfix · complexity 3/5 · model 0.80');
    expect(delegated.frame).toContain('classifier: model qwen3:8b · 412 ms · local, $0');
    expect(delegated.frame).toContain('⇢ delegates to ollama/qwen3-coder:30b (d: solo)');
    expect(delegated.frame).toContain('! delegation cost $0.40 more per bugfix');
  });

  it('lists alternatives with their cost, and unavailable ones with the reason', async () => {
    const { frame } = await draw({ proposal: proposal() });
    expect(frame).toContain('3 ollama/qwen3-coder:30b $0.00 · $0.065/task expected');
    expect(frame).toContain('0 anthropic/claude-opus-4-6 — over the monthly budget');
    expect(frame).toContain('3 ollama/glm-4.7 — does not fit in memory (needs 41 GB)');
  });

  it('shows an unknown price as $?, never $0', async () => {
    const unpriced = routeView({
      model: 'openrouter/acme/new-model',
      tier: 4,
      estimate: { usdP50: null, usdP90: null, expectedUsdPerTask: null },
    });
    const { frame } = await draw({ proposal: proposal({ options: [unpriced, routeView()] }) });
    expect(frame).toContain('? (no price known) p50–p90 · ?/task expected');
    expect(frame).not.toMatch(/\$0(?!\.)/);
  });

  it('warns about a cold cache, a model load, confirmations, and an unavailable choice', async () => {
    const chosen = routeView({
      model: 'ollama/qwen3-coder:30b',
      tier: 3,
      coldCache: true,
      loadSeconds: 12,
      needsConfirmation: 'unloads qwen2.5-coder:32b',
      available: false,
      unavailableReason: 'Ollama is not running',
    });
    const { frame } = await draw({
      proposal: proposal({ options: [chosen], warnings: ['switching model drops a warm cache'] }),
    });
    expect(frame).toContain('cold cache · loads model, ~12 s · unloads qwen2.5-coder:32b');
    expect(frame).toContain('unavailable: Ollama is not running');
    expect(frame).toContain('! switching model drops a warm cache');
  });

  it('shows the escalation banner of a retry card', async () => {
    const { frame } = await draw({
      proposal: proposal({
        escalation: {
          summary: 'FAIL test/date.test.ts > parses offsets\nExpected 9, received 0',
          attempt: 2,
          retriesLeft: 1,
        },
      }),
    });
    expect(frame).toContain('Tests failed (attempt 1). Retry one tier up? 1 retry left');
    expect(frame).toContain('FAIL test/date.test.ts > parses offsets');
    expect(frame).toContain('Expected 9, received 0');
  });

  it('follows the selected option', async () => {
    const { app, ui } = await draw({ proposal: proposal() });
    app.update({ proposal: proposal({ selected: 1 }) });
    const frame = await ui.waitFor((f) => f.includes('▶ 3 local ollama/qwen3-coder:30b'));
    expect(frame).toContain('$0.00 p50–p90 · $0.065/task expected');
    expect(frame).toContain('1 anthropic/claude-sonnet-4-6 $0.031–$0.087 · $0.124/task expected');
  });
});

describe('status bar and header', () => {
  it('shows memory, tok/s with a sparkline, spend and resident models', async () => {
    const status = { ...createFakeController().getState().status, route: 'tier 1 (session)' };
    const { frame } = await draw({ status }, { columns: 140 });
    // tok/s [38, 41, 44]: the sparkline is scaled to the highest sample.
    expect(frame).toMatch(/mem █{5,6}░{4,5} 20\.0 GiB\/36\.0 GiB · 44 tok\/s ▇▇█ /);
    expect(frame).toContain('$0.042 session · $12.50/$50.00 · tier 1 (session)');
    expect(frame).toContain('⌂ qwen3-coder:30b 18.0 GiB');
    expect(frame).toContain('kirikae · kirikae (main)');
    expect(frame).toContain('$12.50 / $50.00 this month');
  });

  it('keeps memory and tok/s whole when the row is short of room', async () => {
    const status = { ...createFakeController().getState().status, route: 'tier 1 (session)' };
    const { frame } = await draw({ status }, { columns: 100 });
    expect(frame).toMatch(/mem █+░+ 20\.0 GiB\/36\.0 GiB · 44 tok\/s ▇▇█ {2}\$0\.042 session/);
  });

  it('shows placeholders before the first memory reading and stream', async () => {
    const status = {
      ...createFakeController().getState().status,
      memory: undefined,
      tokPerSec: [],
    };
    const { frame } = await draw({ status });
    expect(frame).toContain('mem … · – tok/s');
  });
});

describe('transcript and live turn', () => {
  it('draws every kind of transcript item', async () => {
    const { frame } = await draw({ transcript: transcript() });
    expect(frame).toContain('! No cloud keys set');
    expect(frame).toContain('› why does parseDate fail');
    expect(frame).toContain('⏺ edit src/date.ts (+2 −1)');
    expect(frame).toContain('+  const d = parseIso(s)');
    expect(frame).toContain('The offset was dropped. Fixed:');
    expect(frame).toContain('│ const d = parseIso(s); // keeps the +09:00 offset');
    const joined = frame.replace(/\s*\n/g, ' ');
    expect(joined).toContain(
      '■ anthropic/claude-sonnet-4-6 · 1.2K in · 9.0K cached · 340 out · $0.012 · 52 tok/s · 6.4 s · proposed, accepted',
    );
    expect(joined).toContain(
      '■ openrouter/acme/unpriced-model · 1.2K in · 9.0K cached · 340 out · ? ·',
    );
  });

  it('a turn served from the semantic cache says so, without the tokens and time no model spent', async () => {
    const cached = turnItem({
      model: 'openrouter/deepseek/deepseek-v3.2',
      tier: 4,
      usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      costUsd: 0,
      durationMs: 0,
      how: 'cached answer · saved $0.0040',
      cached: true,
    });
    const { frame } = await draw({ transcript: [cached] });
    const joined = frame.replace(/\s*\n/g, ' ');
    expect(joined).toContain(
      '■ openrouter/deepseek/deepseek-v3.2 · $0.00 · cached answer · saved $0.0040',
    );
    expect(joined).not.toContain('0 in');
  });

  it('shows the tail of a long live answer, the model and the token count', async () => {
    const text = Array.from({ length: 200 }, (_, i) => `line ${i}`).join('\n');
    const { frame } = await draw(
      {
        live: {
          model: 'ollama/qwen3-coder:30b',
          tier: 3,
          text,
          status: 'streaming',
          startedAt: 1_700_000_000_000 - 7_000,
          outputTokens: 1_234,
        },
      },
      { rows: 30 },
    );
    expect(frame).toContain('line 199');
    expect(frame).not.toContain('line 150\n');
    expect(frame).toMatch(/… \d+ lines above/);
    expect(frame).toContain('● ollama/qwen3-coder:30b · 1.2K tokens · 7 s · Esc to interrupt');
    // The live region fits the terminal: Ink redraws all of it on every frame.
    expect(frame.split('\n').length).toBeLessThanOrEqual(30);
  });

  it('shows what a live turn waits for', async () => {
    const live = {
      model: 'anthropic/claude-sonnet-4-6',
      tier: 1 as const,
      text: '',
      startedAt: 1_700_000_000_000,
      outputTokens: 0,
    };
    const { app, ui, frame } = await draw({ live: { ...live, status: 'waiting' } });
    expect(frame).toContain('waiting for the first token');
    app.update({ live: { ...live, status: 'tool', tool: 'bash' } });
    await ui.waitFor((f) => f.includes('running bash'));
    app.update({ live: { ...live, status: 'verifying' } });
    await ui.waitFor((f) => f.includes('running the tests'));
  });

  it('shows a notice by level and the approval dialog with its diff', async () => {
    const { frame } = await draw({
      notice: { level: 'error', text: 'Rate limited by anthropic: retrying in 8 s' },
      approval: {
        tool: 'edit',
        summary: 'src/date.ts',
        diff: '--- a/src/date.ts\n+++ b/src/date.ts\n-old line\n+new line',
      },
    });
    expect(frame).toContain('Rate limited by anthropic: retrying in 8 s');
    expect(frame).toContain('Allow edit?');
    expect(frame).toContain('+new line');
    expect(frame).toContain('y once · s this session · A always (saves a rule) · n deny');
  });

  it('renders plugged-in screens and says so when one is missing', async () => {
    const { frame } = await draw({ screen: 'models' });
    expect(frame).toContain('The models screen is not available. Esc: back.');
    const { Text } = await import('ink');
    const withScreen = await draw(
      { screen: 'costs' },
      { screens: { costs: ({ width }) => <Text>costs screen {width}</Text> } },
    );
    expect(withScreen.frame).toContain('costs screen 99');
    expect(withScreen.frame).not.toContain('Type a prompt');
  });
});

describe('narrow terminal', () => {
  it('at 40 columns no line of the chat, route card and status bar is wider than 40', async () => {
    const { ui, frame } = await draw(
      {
        transcript: transcript(),
        proposal: proposal({
          escalation: {
            summary:
              'FAIL test/date.test.ts > parses a date with a very long offset name\nExpected 9',
            attempt: 2,
            retriesLeft: 1,
          },
          warnings: ['switching model drops a warm prompt cache worth $0.04'],
        }),
        notice: { level: 'warn', text: 'Ollama is not running at http://127.0.0.1:11434' },
        status: {
          ...createFakeController().getState().status,
          route: 'tier 1 (session)',
          resident: [
            { name: 'qwen3-coder:30b', bytes: 18 * 1024 ** 3 },
            { name: 'glm-4.7', bytes: 20 * 1024 ** 3 },
          ],
        },
      },
      { columns: 40, rows: 40 },
    );
    expect(frame).toContain('Tests failed');
    // What the card is for still shows: task type, the whole model id, the USD figures.
    expect(frame).toContain('bugfix · complexity 3/5');
    expect(frame).toContain('▶ 1 anthropic/claude-sonnet-4-6');
    expect(frame).toContain('$0.031–$0.087 p50–p90');
    expect(frame).toContain('kirikae · kirikae (main)');
    expect(frame).toMatch(/mem █+░+ 20\.0 GiB\/36\.0 GiB · 44 tok\/s/);
    expect(widestLine(frame)).toBeLessThanOrEqual(40);
    await ui.press('a long prompt typed into a narrow terminal wraps inside the box');
    expect(widestLine(ui.text())).toBeLessThanOrEqual(40);
  });

  it('at 40 columns a live answer and the approval dialog fit too', async () => {
    const { frame } = await draw(
      {
        live: {
          model: 'openrouter/deepseek/deepseek-chat',
          tier: 4,
          text: 'A long answer line that is much wider than forty columns and must wrap.\n```ts\nconst x = someVeryLongFunctionName(argumentNumberOne, argumentNumberTwo);\n```',
          status: 'streaming',
          startedAt: 1_700_000_000_000,
          outputTokens: 321,
        },
        approval: {
          tool: 'bash',
          summary: 'rm -rf node_modules && npm ci --prefer-offline --no-audit',
        },
      },
      { columns: 40, rows: 40 },
    );
    expect(frame).toContain('Allow bash?');
    expect(widestLine(frame)).toBeLessThanOrEqual(40);
  });
});

describe('colour', () => {
  let level: typeof chalk.level;
  beforeAll(() => {
    // Ink colours through chalk, which sees no TTY under vitest: force colours on, so that
    // their absence under NO_COLOR means something.
    level = chalk.level;
    chalk.level = 3;
  });
  afterAll(() => {
    chalk.level = level;
  });

  const busy = (): Partial<AppState> => ({
    transcript: transcript(),
    proposal: proposal(),
    notice: { level: 'warn', text: 'Budget 80% used' },
  });

  it('uses colour by default', async () => {
    const { ui } = await draw(busy());
    expect(hasColour(ui.raw())).toBe(true);
  });

  it('NO_COLOR renders without any colour escape code', async () => {
    const { ui, frame } = await draw(busy(), { env: { NO_COLOR: '1' } });
    expect(frame).toContain('anthropic/claude-sonnet-4-6');
    expect(hasColour(ui.raw())).toBe(false);
    await ui.press('typed text');
    expect(hasColour(ui.raw())).toBe(false);
  });
});
