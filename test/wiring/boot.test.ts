// The stand-in that draws the first frame before the session is built (wiring/boot.ts): what it
// shows comes from the config file, and what is asked of it meanwhile reaches the session.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootController } from '../../src/wiring/boot.js';
import { createFakeController } from '../ui/fake-controller.js';

describe('bootController', () => {
  it("shows the config's theme and budget, read as plain JSON, and defaults without a config", () => {
    const dir = mkdtempSync(join(tmpdir(), 'kirikae-boot-'));
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ ui: { theme: 'light' }, budget: { monthlyUsd: 50 } }),
    );
    const boot = bootController({ cwd: '/p', branch: 'main', env: { KIRIKAE_CONFIG_DIR: dir } });
    expect(boot.getState()).toMatchObject({
      folder: '/p',
      branch: 'main',
      screen: 'chat',
      transcript: [],
      themeName: 'light',
      status: { budgetUsd: 50, monthUsd: 0 },
    });
    const none = bootController({ cwd: '/p', env: { KIRIKAE_CONFIG_DIR: join(dir, 'none') } });
    expect(none.getState()).toMatchObject({ themeName: 'dark', status: { budgetUsd: 200 } });
  });

  it('replays what was asked before the session existed, in order, then passes calls through', () => {
    const boot = bootController({ cwd: '/p', env: {} });
    boot.setScreen('help');
    boot.submit('fix the parser');
    boot.setTierOverride(3, 'turn');
    expect(boot.cancelRoute()).toBeUndefined();
    const session = createFakeController();
    expect(session.calls).toEqual([]);
    boot.handOver(session);
    expect(session.calls.map((c) => [c.method, ...c.args])).toEqual([
      ['setScreen', 'help'],
      ['submit', 'fix the parser'],
      ['setTierOverride', 3, 'turn'],
    ]);
    boot.quit();
    expect(session.calls.at(-1)?.method).toBe('quit');
  });
});
