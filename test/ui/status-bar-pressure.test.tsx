// Memory pressure in words, not only as a colour: NO_COLOR terminals must see it too.
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusView } from '../../src/session/types.js';
import { hasColour, renderApp } from './app-harness.js';
import { createFakeController } from './fake-controller.js';

let mounted: { unmount(): void }[] = [];
afterEach(() => {
  for (const m of mounted) m.unmount();
  mounted = [];
});

const GIB = 1024 ** 3;

async function statusLine(
  pressure: NonNullable<StatusView['memory']>['pressure'],
  options: { columns?: number; env?: NodeJS.ProcessEnv } = {},
) {
  const base = createFakeController().getState().status;
  const status: StatusView = {
    ...base,
    memory: { usedBytes: 30 * GIB, totalBytes: 36 * GIB, pressure },
  };
  const ui = renderApp(createFakeController({ status }), options);
  mounted.push(ui);
  await ui.settle();
  return { text: ui.text(), raw: ui.raw() };
}

describe('status bar memory pressure', () => {
  it('says warn and critical in words, under NO_COLOR too', async () => {
    const warn = await statusLine('warn', { env: { NO_COLOR: '1' } });
    expect(hasColour(warn.raw)).toBe(false);
    expect(warn.text).toMatch(/mem \S+ 30\.0 GiB\/36\.0 GiB · pressure: warn · /);
    const critical = await statusLine('critical', { columns: 50, env: { NO_COLOR: '1' } });
    expect(critical.text).toMatch(/^\$12\.50 · pressure: critical$/m);
  });

  it('says nothing extra while pressure is normal', async () => {
    const { text } = await statusLine('normal');
    expect(text).not.toContain('pressure');
    expect(text).toMatch(/30\.0 GiB\/36\.0 GiB · /);
  });
});
