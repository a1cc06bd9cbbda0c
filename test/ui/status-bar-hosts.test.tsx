// The status bar with several Ollama hosts: each host's memory against its own budget, its
// pressure in words and its tok/s, on one line when it fits and one line per host when it does
// not, with golden renders at 40, 80, 120 and 200 columns.
import { afterEach, describe, expect, it } from 'vitest';
import {
  hostStatusViews,
  StatusTicker,
  type HostStatusView,
  type StatusWithHosts,
} from '../../src/session/status.js';
import { SessionStore } from '../../src/session/store.js';
import { defaultConfig } from '../../src/config/schema.js';
import { StatusBar, hostLines } from '../../src/ui/components/status-bar.js';
import { baseState } from './fake-controller.js';
import { renderScreen } from './screens-helpers.js';

const GIB = 1024 ** 3;

let mounted: { unmount(): void }[] = [];
afterEach(() => {
  for (const m of mounted) m.unmount();
  mounted = [];
});

// The laptop (this machine, so its pressure is known) and a Mac mini on the LAN.
const LAPTOP: HostStatusView = {
  label: '127.0.0.1:11434',
  residentBytes: 19 * GIB,
  budgetBytes: 21.5 * GIB,
  pressure: 'warn',
  tokPerSec: 35,
};
const MINI: HostStatusView = {
  label: 'mini.lan:11434',
  residentBytes: 8.2 * GIB,
  budgetBytes: 48 * GIB,
  tokPerSec: 52.4,
};

const text = (lines: ReturnType<typeof hostLines>) =>
  lines.map((l) => l.map((p) => p.text).join(''));

function draw(width: number, hosts?: HostStatusView[], route?: string) {
  const status = {
    ...baseState().status,
    ...(hosts ? { hosts } : {}),
    ...(route ? { route } : {}),
  };
  const ui = renderScreen(<StatusBar status={status} width={width} />, { noColor: true });
  mounted.push(ui);
  return ui.text().replace(/[ \t]+$/gm, '');
}

describe('hostStatusViews', () => {
  it('sums each host’s resident models against its own budget, and reads tok/s per model', () => {
    const views = hostStatusViews(
      [
        {
          label: '127.0.0.1:11434',
          budgetBytes: () => 21.5 * GIB,
          resident: () => [
            { name: 'qwen3-coder:30b', sizeBytes: 19 * GIB },
            { name: 'qwen3:8b', sizeBytes: 6 * GIB },
          ],
          memory: () => ({ pressure: 'warn' }),
          problem: () => undefined,
        },
        {
          label: 'mini.lan:11434',
          budgetBytes: () => 48 * GIB,
          resident: () => [],
          memory: () => undefined,
          problem: () => 'Cannot reach Ollama at http://mini.lan:11434',
        },
      ],
      (model) => ({ 'qwen3:8b': 61, 'qwen3-coder:30b': 34 })[model],
    );
    expect(views).toEqual([
      {
        label: '127.0.0.1:11434',
        residentBytes: 25 * GIB,
        budgetBytes: 21.5 * GIB,
        pressure: 'warn',
        tokPerSec: 61,
      },
      { label: 'mini.lan:11434', residentBytes: 0, budgetBytes: 48 * GIB, unreachable: true },
    ]);
  });
});

describe('StatusTicker', () => {
  it('publishes every host’s readings with the first state and on each tick', () => {
    let hosts = [LAPTOP, MINI];
    const sources = { hosts: () => hosts };
    const initial = StatusTicker.initial(sources, defaultConfig()) as StatusWithHosts;
    expect(initial.hosts).toEqual([LAPTOP, MINI]);
    const store = new SessionStore(baseState({ status: initial }));
    const ticker = new StatusTicker(store, sources, () => 1_000);
    hosts = [{ ...LAPTOP, residentBytes: 2 * GIB }, MINI];
    ticker.tick();
    const status = store.getState().status as StatusWithHosts;
    expect(status.hosts?.[0]?.residentBytes).toBe(2 * GIB);
  });
});

describe('status bar hosts', () => {
  it('puts both hosts on one line with pressure in words when there is room', () => {
    expect(text(hostLines([LAPTOP, MINI], 120))).toEqual([
      '⌂ 127.0.0.1:11434 19.0/21.5 GiB · pressure: warn · 35 tok/s │ mini.lan:11434 8.2/48.0 GiB · 52 tok/s',
    ]);
  });

  it('loses words before hosts: at 40 columns one host per line, pressure still in words', () => {
    const lines = text(hostLines([LAPTOP, MINI], 40));
    expect(lines).toEqual([
      '⌂ 127.0.0.1 19.0/21.5 GiB warn 35 tok/s',
      '⌂ mini.lan 8.2/48.0 GiB 52 tok/s',
    ]);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(40);
  });

  it('keeps the ports when two hosts share a machine (the port is what tells them apart)', () => {
    const other = { ...MINI, label: '127.0.0.1:11435' };
    const lines = text(hostLines([LAPTOP, other], 80));
    expect(lines.join('\n')).toContain('127.0.0.1:11434');
    expect(lines.join('\n')).toContain('127.0.0.1:11435');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('says a host that did not answer is not reachable, once', () => {
    const lines = text(hostLines([LAPTOP, { ...MINI, unreachable: true }], 80));
    expect(lines.join('\n').match(/not reachable/g)).toHaveLength(1);
  });

  it('names the last turn’s model whole at 100 columns (a second line when needed)', () => {
    const frame = draw(100, undefined, 'ollama/qwen3-coder:30b');
    expect(frame).toContain('ollama/qwen3-coder:30b');
    expect(frame).not.toContain('…');
  });

  it('keeps the single-host bar as it was (no host line)', () => {
    expect(draw(120)).not.toContain('│');
    expect(draw(120, [LAPTOP])).not.toContain('127.0.0.1');
  });

  it.each([40, 80, 120, 200])('golden render at %i columns', async (columns) => {
    const one = draw(columns);
    const two = draw(columns, [LAPTOP, MINI]);
    const routed = draw(columns, undefined, 'ollama/qwen3-coder:30b');
    for (const frame of [one, two, routed])
      for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(columns);
    expect(two).toMatch(/pressure: warn|warn/);
    expect(two).not.toMatch(/\bGB\b/);
    // The resident model is named whole at every width that shows it (80 used to cut "qwen3…").
    if (columns >= 70) expect(one).toContain('⌂ qwen3-coder:30b 18.0 GiB');
    // So is the last turn's model (it was cut to "ollama/qwen3-coder:3…" at 100 columns).
    if (columns >= 70) expect(routed).toContain('ollama/qwen3-coder:30b');
    await expect(
      `one host:\n${one}\n\ntwo hosts:\n${two}\n\nafter a turn:\n${routed}\n`,
    ).toMatchFileSnapshot(`golden/status-bar-${columns}.txt`);
  });
});
