import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { CuratedEntry, PullJobView, PullPort } from '../../src/session/ports/screen-ports.js';
import {
  PullScreen,
  curatedLayout,
  formatSpeed,
  nextFocus,
  queueColumns,
} from '../../src/ui/screens/pull.js';
import { packLegend, throttleDelay, visibleWindow } from '../../src/ui/screens/screen-kit.js';
import {
  KEYS,
  forceColours,
  hasColour,
  renderScreen,
  tick,
  widestLine,
} from './screens-helpers.js';

const CURATED: CuratedEntry[] = [
  {
    name: 'qwen3-coder:30b',
    purpose: 'agentic coding, tools; MoE (3B active): fast',
    approxBytes: 18.6e9,
    footprintBytes: 21e9,
    numCtx: 32768,
    fits: true,
    installed: true,
  },
  {
    name: 'qwen2.5-coder:32b',
    purpose: 'dense coder: careful edits, review',
    approxBytes: 19.9e9,
    footprintBytes: 28e9,
    numCtx: 32768,
    fits: true,
    installed: false,
  },
  {
    name: 'giant:405b',
    purpose: 'too large for this machine',
    approxBytes: 230e9,
    footprintBytes: 260e9,
    numCtx: 32768,
    fits: false,
  },
];

function job(partial: Partial<PullJobView> & Pick<PullJobView, 'model'>): PullJobView {
  return {
    phase: 'downloading',
    status: 'pulling 4a1b2c3d',
    completedBytes: 3e9,
    totalBytes: 5e9,
    percent: 60,
    bytesPerSec: 42e6,
    etaSeconds: 48,
    layers: 3,
    ...partial,
  };
}

/** A port whose jobs the test sets; `emit` is what the PullManager's progress would call. */
function fakePort(initial: PullJobView[] = []) {
  let jobs = initial;
  const listeners = new Set<() => void>();
  const port = {
    host: 'http://127.0.0.1:11434',
    enqueue: vi.fn((name: string) =>
      name.trim()
        ? ({ ok: true, value: undefined } as const)
        : ({ ok: false, error: 'Type a model name, e.g. qwen3:8b' } as const),
    ),
    cancel: vi.fn(() => ({ ok: true, value: undefined }) as const),
    resume: vi.fn(() => ({ ok: true, value: undefined }) as const),
    jobs: vi.fn(() => jobs),
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    curated: () => CURATED,
  } satisfies PullPort;
  return {
    port,
    set(next: PullJobView[]) {
      jobs = next;
      for (const l of listeners) l();
    },
  };
}

let restoreColours: () => void;
beforeEach(() => {
  restoreColours = forceColours();
});
afterEach(() => {
  cleanup();
  restoreColours();
});

describe('pull screen', () => {
  it('shows the curated list with size and fit, and the queue with progress', async () => {
    const { port } = fakePort([
      job({ model: 'qwen3:8b' }),
      job({ model: 'glm-4.7-flash', phase: 'queued', percent: undefined, bytesPerSec: undefined }),
      job({
        model: 'nope:1b',
        phase: 'error',
        percent: undefined,
        error: 'pull model manifest: file does not exist',
        errorText: 'Model nope:1b not found. Check the name and tag on ollama.com/library',
      }),
    ]);
    const screen = renderScreen(<PullScreen port={port} width={100} active />);
    const frame = await screen.waitFor((f) => f.includes('qwen3:8b'));
    // The memory the fit is judged on (weights and KV cache at 32K), not the download size.
    expect(frame).toMatch(/qwen3-coder:30b\s+~20 GiB installed/);
    expect(frame).toMatch(/qwen2\.5-coder:32b\s+~26 GiB fits\s+dense coder/);
    expect(frame).toMatch(/giant:405b\s+~242 GiB too big/);
    expect(frame).toMatch(/qwen3:8b\s+█{6}░{4}\s+60%\s+42 MB\/s\s+48 s pulling/);
    expect(frame).toMatch(/glm-4\.7-flash\s+░{10}\s+–\s+queued/);
    expect(frame).toContain(
      'Model nope:1b not found. Check the name and tag on ollama.com/library',
    );
  });

  it('types a model name into the field and enqueues it on Enter', async () => {
    const { port } = fakePort();
    const screen = renderScreen(<PullScreen port={port} width={80} active />);
    await screen.waitFor((f) => f.includes('Suggested'));
    await screen.press('qwen3:8', 'x', KEYS.backspace, 'b');
    expect(screen.text()).toContain('pull qwen3:8b');
    await screen.press(KEYS.enter);
    expect(port.enqueue).toHaveBeenCalledWith('qwen3:8b');
    expect(screen.text()).toContain('Queued qwen3:8b');
    expect(screen.text()).not.toContain('pull qwen3:8b');
    // An empty name is refused with a message, not sent.
    await screen.press(KEYS.enter);
    expect(screen.text()).toContain('Type a model name');
    // A name and Enter arriving in one read (typed fast, or a script) also submits.
    await screen.press('codestral:22b\r');
    expect(port.enqueue).toHaveBeenLastCalledWith('codestral:22b');
  });

  it('Tab moves to the curated list: ↑/↓ and Enter pull the selected model', async () => {
    const { port } = fakePort();
    const screen = renderScreen(<PullScreen port={port} width={80} active />);
    await screen.waitFor((f) => f.includes('Suggested'));
    await screen.press(KEYS.tab, KEYS.down, KEYS.enter);
    expect(port.enqueue).toHaveBeenCalledWith('qwen2.5-coder:32b');
    expect(screen.text()).toMatch(/› qwen2\.5-coder:32b/);
    // Letters are list keys here, not typed text.
    await screen.press('x');
    expect(screen.text()).not.toContain('pull x');
  });

  it('c cancels and r resumes the selected pull in the queue', async () => {
    const { port } = fakePort([
      job({ model: 'qwen3:8b' }),
      job({ model: 'codestral:22b', phase: 'cancelled', percent: 20 }),
    ]);
    const screen = renderScreen(<PullScreen port={port} width={80} active />);
    await screen.waitFor((f) => f.includes('codestral:22b'));
    await screen.press(KEYS.tab, KEYS.tab, 'c');
    expect(port.cancel).toHaveBeenCalledWith('qwen3:8b');
    expect(screen.text()).toContain('Cancelled qwen3:8b');
    await screen.press(KEYS.down, 'r');
    expect(port.resume).toHaveBeenCalledWith('codestral:22b');
    expect(screen.text()).toContain('Resuming codestral:22b');
    port.resume.mockReturnValueOnce({ ok: false, error: 'qwen3:8b is still running' } as never);
    await screen.press(KEYS.up, 'r');
    expect(screen.text()).toContain('qwen3:8b is still running');
  });

  it('re-renders at most about four times a second however fast progress arrives', async () => {
    const fake = fakePort([job({ model: 'qwen3:8b', percent: 0 })]);
    const screen = renderScreen(<PullScreen port={fake.port} width={80} active />);
    await screen.waitFor((f) => f.includes('qwen3:8b'));
    await tick(300);
    const readsBefore = fake.port.jobs.mock.calls.length;
    const started = Date.now();
    let percent = 0;
    while (Date.now() - started < 1000) {
      percent = Math.min(99, percent + 1);
      fake.set([job({ model: 'qwen3:8b', percent })]);
      await tick(5);
    }
    await tick(300);
    const reads = fake.port.jobs.mock.calls.length - readsBefore;
    // ~100+ progress events in a second: 4 throttled reads (+1 trailing, +1 timing slack).
    expect(reads).toBeGreaterThanOrEqual(3);
    expect(reads).toBeLessThanOrEqual(6);
    // The trailing read shows the latest figure.
    expect(screen.text()).toContain(`${percent}%`);
  });

  it('fits 40 columns without colour, errors wrapped inside the width', async () => {
    const { port } = fakePort([
      job({ model: 'qwen3-coder:30b-a3b-q8_0' }),
      job({
        model: 'big:70b',
        phase: 'error',
        errorText:
          'The Ollama machine ran out of disk space. Free space where Ollama keeps models (~/.ollama/models) and pull again; it resumes',
      }),
    ]);
    const screen = renderScreen(<PullScreen port={port} width={40} active />, { noColor: true });
    await screen.waitFor((f) => f.includes('big:70b'));
    await screen.press('a-very-long-model-name-typed-by-someone:latest');
    const frame = screen.text();
    if (process.env.SHOW_FRAMES) console.log(frame);
    expect(widestLine(frame)).toBeLessThanOrEqual(40);
    expect(frame).toContain('ran out of disk');
    expect(frame).toContain('again; it resumes');
    expect(frame).toContain('someone:latest');
    expect(hasColour(screen.lastFrame() ?? '')).toBe(false);
  });

  it('lays out with pure helpers', () => {
    expect(nextFocus('field', 1)).toBe('curated');
    expect(nextFocus('queue', 1)).toBe('field');
    expect(nextFocus('field', -1)).toBe('queue');
    expect(formatSpeed(42e6)).toBe('42 MB/s');
    expect(formatSpeed(2.5e6)).toBe('2.5 MB/s');
    expect(formatSpeed(undefined)).toBe('');
    expect(queueColumns(40).columns.map((c) => c.key)).toEqual(['bar', 'pct', 'status']);
    expect(curatedLayout(40, 17).purpose).toBe(0);
    expect(curatedLayout(100, 17).purpose).toBeGreaterThan(30);
    expect(throttleDelay(1000, 1100, 250)).toBe(150);
    expect(throttleDelay(1000, 1400, 250)).toBe(0);
    expect(visibleWindow(20, 19, 8)).toEqual({ start: 12, end: 20 });
    expect(visibleWindow(3, 2, 8)).toEqual({ start: 0, end: 3 });
    expect(
      packLegend(
        [
          ['a', 'one'],
          ['b', 'two'],
        ],
        8,
      ),
    ).toEqual(['a one', 'b two']);
  });
});
