import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { useSessionState } from '../../src/ui/hooks/use-session-state.js';
import { baseState, createFakeController, proposal } from './fake-controller.js';

function Probe({
  controller,
  renders,
}: {
  controller: ReturnType<typeof createFakeController>;
  renders: string[];
}) {
  const state = useSessionState(controller, 50);
  renders.push(state.live?.text ?? '');
  return <Text>{state.live?.text ?? ''}</Text>;
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('useSessionState', () => {
  it('coalesces a burst of stream updates into a frame or two, and the last one lands', async () => {
    const controller = createFakeController(baseState());
    const renders: string[] = [];
    const ui = render(<Probe controller={controller} renders={renders} />);
    await tick(80);
    const before = renders.length;
    const live = {
      model: 'm',
      tier: 1 as const,
      status: 'streaming' as const,
      startedAt: 0,
      outputTokens: 0,
    };
    // 200 deltas as fast as they come: a 200 tok/s stream for a second, compressed.
    for (let i = 1; i <= 200; i++) controller.update({ live: { ...live, text: `delta ${i}` } });
    await tick(120);
    const during = renders.length - before;
    expect(during).toBeGreaterThanOrEqual(1);
    expect(during).toBeLessThanOrEqual(3);
    expect(renders.at(-1)).toBe('delta 200');
    expect(ui.lastFrame()).toBe('delta 200');
    ui.unmount();
  });

  it('shows a change after a quiet frame at once (a key press never waits a frame)', async () => {
    const controller = createFakeController(baseState());
    const renders: string[] = [];
    const ui = render(<Probe controller={controller} renders={renders} />);
    await tick(80);
    const live = {
      model: 'm',
      tier: 1 as const,
      status: 'streaming' as const,
      startedAt: 0,
      outputTokens: 0,
    };
    controller.update({ live: { ...live, text: 'now' } });
    // No timer involved: the render was scheduled synchronously with the change.
    await tick(5);
    expect(renders.at(-1)).toBe('now');
    ui.unmount();
  });

  it('draws a change other than the stream or the status tick at once, even mid-frame', async () => {
    const controller = createFakeController(baseState());
    const seen: (string | undefined)[] = [];
    function Card() {
      const state = useSessionState(controller, 100);
      seen.push(state.proposal ? 'card' : state.status.sessionUsd.toFixed(2));
      return <Text>{state.proposal ? 'card' : 'no card'}</Text>;
    }
    const ui = render(<Card />);
    await tick(150);
    // The status bar's tick is drawn; the next tick within the frame waits for it.
    controller.update({ status: { ...baseState().status, sessionUsd: 1 } });
    controller.update({ status: { ...baseState().status, sessionUsd: 2 } });
    await tick(5);
    expect(seen.at(-1)).toBe('1.00');
    // A route card within the same frame: drawn now, not 100 ms later.
    controller.update({ proposal: proposal() });
    await tick(5);
    expect(seen.at(-1)).toBe('card');
    expect(ui.lastFrame()).toBe('card');
    ui.unmount();
  });
});
