import { addMonths } from '../../src/ledger/time.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { CostsPort, CostsView, PortResult } from '../../src/session/ports/screen-ports.js';
import { costsScreenData, type CostsGrouping } from '../../src/ledger/screen.js';
import {
  CostsScreen,
  costCell,
  groupColumns,
  nextGrouping,
  savingsLine,
  tierBarLayout,
} from '../../src/ui/screens/costs.js';
import { call, usage } from '../ledger/fixtures.js';
import { NOW, RECORDS } from './costs-fixtures.js';
import { KEYS, forceColours, hasColour, renderScreen, widestLine } from './screens-helpers.js';

function data(month: string, by: CostsGrouping): CostsView {
  const records = RECORDS.filter((r) => r.ts.startsWith(month));
  return {
    ...costsScreenData(records, { month, by, budgetUsd: 1, now: NOW }),
    skippedLines: 0,
  };
}

function fakePort() {
  return {
    currentMonth: () => '2026-03',
    shiftMonth: (month: string, delta: number) => addMonths(month, delta),
    load: vi.fn(async (month: string, by: CostsGrouping): Promise<PortResult<CostsView>> => ({
      ok: true,
      value: data(month, by),
    })),
  } satisfies CostsPort;
}

let restoreColours: () => void;
beforeEach(() => {
  restoreColours = forceColours();
});
afterEach(() => {
  cleanup();
  restoreColours();
});

describe('costs screen', () => {
  it('draws the month: budget, daily chart, tiers, savings, shares, top tasks, grouped table', async () => {
    const port = fakePort();
    const screen = renderScreen(<CostsScreen port={port} width={90} active />);
    const frame = await screen.waitFor((f) => f.includes('BY TIER'));
    if (process.env.SHOW_FRAMES) console.log(frame);
    expect(port.load).toHaveBeenCalledWith('2026-03', 'tier');
    expect(frame).toContain('Costs 2026-03 · this month');
    // $0.537 known of a $1 budget, plus an unpriced call that is counted, not summed as $0.
    expect(frame).toContain('spent $0.537 + ? of $1.00 (54%)');
    expect(frame).toContain('1 unpriced call (?) not in the total');
    expect(frame).toMatch(/daily · max \$0\.450 on 03-10/);
    expect(frame).toMatch(/[▁▂▃▄▅▆▇█]{20}/);
    expect(frame).toMatch(/0 frontier\s+█+░*\s+\$0\.450\s+84%/);
    expect(frame).toMatch(/4 budget\s+░+\s+\?\s+\?/);
    expect(frame).toMatch(
      /if all on claude-opus-4-6: \$\S+ · saved \$\S+ \(\d+%\) · 1 unpriced left out/,
    );
    expect(frame).toMatch(/local 25% of turns · 16% of tokens/);
    expect(frame).toMatch(/cache hits \d+%/);
    expect(frame).toContain('most expensive tasks');
    expect(frame).toMatch(/\$0\.450 T2 · architecture · T0 · open/);
    expect(frame).toMatch(/\$0\.087 T1 · implement · T1 · completed/);
    expect(frame).toMatch(/\? T3 · research · T4 · open/);
    expect(frame).toMatch(/0 frontier\s+1\s+84%\s+\$0\.450/);
    expect(frame).toMatch(/4 budget\s+1\s+\?\s+\?/);
  });

  it('in a short terminal: drawn from its headline down, scrolled with ↑/↓', async () => {
    // At 100×30 the screen showed its bottom and cut off the month and what was spent.
    const screen = renderScreen(<CostsScreen port={fakePort()} width={90} rows={14} active />);
    const top = await screen.waitFor((f) => f.includes('↑↓ PgUp PgDn scroll'));
    const lines = top.split('\n');
    expect(lines.length).toBeLessThanOrEqual(14);
    expect(lines[0]).toContain('Costs 2026-03 · this month');
    expect(top).toContain('spent $0.537 + ? of $1.00 (54%)');
    expect(top).not.toContain('BY TIER');
    for (let i = 0; i < 40; i++) await screen.press(KEYS.down);
    const bottom = await screen.waitFor((f) => f.includes('BY TIER'));
    expect(bottom.split('\n').length).toBeLessThanOrEqual(14);
    expect(bottom).not.toContain('Costs 2026-03');
    await screen.press('\x1b[5~'); // PgUp
    await screen.press('\x1b[5~');
    await screen.press('\x1b[5~');
    await screen.press('\x1b[5~');
    expect(await screen.waitFor((f) => f.includes('Costs 2026-03'))).toContain('spent $0.537');
  });

  it('g cycles the grouping without reading the month again; ←/→ change the month', async () => {
    const port = fakePort();
    const screen = renderScreen(<CostsScreen port={port} width={90} active />);
    await screen.waitFor((f) => f.includes('BY TIER'));
    await screen.press('g');
    let frame = await screen.waitFor((f) => f.includes('BY MODEL'));
    // The month's data holds every grouping: one read of the ledger, however often g is pressed.
    expect(port.load).toHaveBeenCalledTimes(1);
    expect(frame).toMatch(/anthropic\/claude-opus-4-6\s+1\s+84%\s+\$0\.450/);
    expect(frame).toMatch(/openrouter\/acme\/unpriced-model\s+1\s+\?\s+\?/);
    await screen.press('g');
    frame = await screen.waitFor((f) => f.includes('BY TASK'));
    expect(frame).toMatch(/architecture\s+1/);
    await screen.press('g');
    frame = await screen.waitFor((f) => f.includes('BY DAY'));
    expect(frame).toMatch(/2026-03-10\s+1/);
    expect(port.load).toHaveBeenCalledTimes(1);
    await screen.press(KEYS.left);
    // The port is called from an effect, a moment after the key.
    await vi.waitFor(() => expect(port.load).toHaveBeenLastCalledWith('2026-02', 'tier'));
    frame = await screen.waitFor((f) => f.includes('Costs 2026-02') && f.includes('BY DAY'));
    expect(frame).toContain('no calls this month');
    expect(frame).toContain('daily · nothing spent');
    expect(frame).not.toContain('this month ·');
    // No months after the current one.
    await screen.press(KEYS.right, KEYS.right);
    await screen.waitFor((f) => f.includes('Costs 2026-03') && f.includes('BY DAY'));
    expect(port.load).not.toHaveBeenCalledWith('2026-04', expect.anything());
  });

  it('marks amounts with estimated usage "~" and counts the estimated records', async () => {
    // An interrupted codex stream, its input estimated from the request: 50,000 × $1.75/M
    // + 20 × $14/M = $0.08778.
    const interrupted = call({
      ts: '2026-03-15T10:00:00.000Z',
      task: 'T4',
      taskType: 'implement',
      tier: 0,
      model: 'openai/gpt-5.3-codex',
      usage: usage({ input: 50_000, output: 20 }),
      costUsd: 0.08778,
      outcome: 'aborted',
      usageEstimated: true,
    });
    const port = {
      currentMonth: () => '2026-03',
      shiftMonth: (month: string, delta: number) => addMonths(month, delta),
      load: async (month: string, by: CostsGrouping): Promise<PortResult<CostsView>> => ({
        ok: true,
        value: {
          ...costsScreenData([...RECORDS, interrupted], { month, by, budgetUsd: 1, now: NOW }),
          skippedLines: 0,
        },
      }),
    } satisfies CostsPort;
    const screen = renderScreen(<CostsScreen port={port} width={90} active />);
    const frame = await screen.waitFor((f) => f.includes('BY TIER'));
    // 0.537 + 0.08778 = 0.62478 known, one call unpriced, one estimated.
    expect(frame).toContain('spent ~$0.625 + ? of $1.00 (62%)');
    expect(frame).toContain('1 call with estimated usage (cut short), marked ~');
    expect(frame).toMatch(/0 frontier\s+2\s+\d+%\s+~\$0\.538/);
    expect(frame).toMatch(/~\$0\.088 T4 · implement · T0 · open/);
  });

  it('shows a port error in place', async () => {
    const port = fakePort();
    port.load.mockResolvedValue({
      ok: false,
      error: 'Cannot read ledger file /x/2026-03.jsonl (EACCES). Fix the folder permissions',
    });
    const screen = renderScreen(<CostsScreen port={port} width={90} active />);
    await screen.waitFor((f) => f.includes('EACCES'));
  });

  it('fits 40 columns without colour', async () => {
    const port = fakePort();
    const screen = renderScreen(<CostsScreen port={port} width={40} active />, { noColor: true });
    const frame = await screen.waitFor((f) => f.includes('BY TIER'));
    if (process.env.SHOW_FRAMES) console.log(frame);
    expect(widestLine(frame)).toBeLessThanOrEqual(40);
    expect(frame).toContain('1 unpriced call');
    expect(hasColour(screen.lastFrame() ?? '')).toBe(false);
  });

  it('formats with pure helpers', () => {
    expect(costCell(1.2, 3, 0)).toBe('$1.20');
    expect(costCell(1.2, 3, 1)).toBe('$1.20 + ?');
    expect(costCell(0, 2, 2)).toBe('?');
    expect(costCell(0.088, 1, 0, 1)).toBe('~$0.088');
    expect(costCell(1.2, 3, 1, 1)).toBe('~$1.20 + ?');
    expect(costCell(0, 1, 1, 1)).toBe('?');
    expect(nextGrouping('task')).toBe('day');
    expect(tierBarLayout(40).pct).toBe(4);
    expect(tierBarLayout(30).pct).toBe(0);
    expect(groupColumns(20).columns.map((c) => c.key)).toEqual(['usd']);
    expect(groupColumns(40).columns.map((c) => c.key)).toEqual(['calls', 'share', 'usd']);
    expect(
      savingsLine({
        label: 'anthropic/claude-opus-4-6',
        actualUsd: 0,
        totalUsd: 'unknown',
        savedUsd: null,
        savedPct: null,
        comparedCalls: 0,
        excludedCalls: 2,
        excludedTokens: 10,
      }),
    ).toBe('if all on claude-opus-4-6: ? (no comparable calls)');
  });
});
