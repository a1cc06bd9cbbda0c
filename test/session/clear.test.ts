// /clear and /new empty the conversation on file as well: `kirikae --continue` resumes from after.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSession, openSessionWriter } from '../../src/agent/sessions.js';
import { startAllStubs, type AllStubs } from '../support/all-stubs.js';
import { startSession, until } from './session-kit.js';

let stubs: AllStubs;
beforeAll(async () => {
  stubs = await startAllStubs();
});
afterAll(async () => {
  await stubs.close();
});

describe('/clear and /new', () => {
  it.each(['clearTranscript', 'newTask'] as const)(
    '%s is written to the session file, so a resumed session leaves the cleared turns out',
    async (clear) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'kirikae-clear-'));
      const transcript = openSessionWriter({ dataDir, folder: dataDir });
      const kit = await startSession(stubs, {
        core: { writeLedger: false },
        session: { transcript },
      });
      const { session } = kit;
      try {
        const turns = () => session.getState().transcript.filter((i) => i.kind === 'turn').length;
        stubs.anthropic.steps.push({ text: ['Noted.'] });
        session.setModelOverride('anthropic/claude-sonnet-5-5', 'session');
        session.submit('the deploy password is hunter2, remember it');
        session.acceptRoute();
        await until(session, () => turns() === 1);
        session[clear]();
        stubs.anthropic.steps.push({ text: ['Renamed.'] });
        session.submit('rename getParams to extractParams');
        session.acceptRoute();
        await until(session, () => turns() === (clear === 'newTask' ? 2 : 1));
        const resumed = await loadSession(transcript.id, dataDir);
        expect(resumed.messages.map((m) => m.content)).toEqual([
          'rename getParams to extractParams',
          'Renamed.',
        ]);
      } finally {
        kit.close();
      }
    },
  );
});
