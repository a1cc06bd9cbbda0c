// The first prompt of a session may arrive before Ollama's inventory has: the first route waits
// (briefly) for it instead of routing as if Ollama were absent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppState } from '../../src/session/types.js';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';
import { startSession } from './session-kit.js';

let stubs: AllStubs;
beforeAll(async () => {
  stubs = await startAllStubs();
});
afterAll(async () => {
  await stubs.close();
});

describe('the first route', () => {
  it('waits for the local inventory, so a prompt sent at start-up can still route locally', async () => {
    const kit = await startSession(stubs, {
      config: { local: { memoryBudgetGb: 64, reserveGb: 0 } },
      core: { writeLedger: false },
      ready: false,
    });
    const { session, core } = kit;
    // No `await core.local.ready()`: the prompt goes in at once, as a fast typist's would.
    expect(core.local.unavailableReason()).toMatch(/not checked yet/);
    session.submit('fix the typo in README.md');
    // Within 300 ms the card is decided with the inventory; on a slower answer the card drawn
    // without it is decided again when it arrives.
    const localOf = (s: AppState) =>
      s.proposal?.options.find((o) => o.model === 'ollama/qwen3-coder:30b');
    let state: AppState = session.getState();
    for (
      let i = 0;
      i < 500 && !(localOf(state) && !/not checked/.test(localOf(state)!.unavailableReason ?? ''));
      i++
    ) {
      await new Promise((r) => setTimeout(r, 10));
      state = session.getState();
    }
    kit.close();
    const local = state.proposal!.options.find((o) => o.model === 'ollama/qwen3-coder:30b');
    expect(local).toBeDefined();
    expect(local!.unavailableReason ?? '').not.toMatch(/not checked yet|Cannot reach/);
  });
});
