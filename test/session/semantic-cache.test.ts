// The semantic cache in the session: a question asked again in the same context is offered on
// the card first, served for $0 with a `cache_hit` record, routed anyway with `r`, dropped with
// `x`; work on the workspace is never served. Real wiring against the stub servers; the stub
// Ollama's /api/embed gives deterministic vectors (test/support/stub-embedding.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src/session/session.js';
import type { AppState } from '../../src/session/types.js';
import type { LedgerRecord } from '../../src/core/index.js';
import { ledgerDir, monthOfDate } from '../../src/ledger/index.js';
import { usd } from '../../src/present/units.js';
import { QWEN3_CODER, startAllStubs, type AllStubs } from '../support/all-stubs.js';
import { startSession, until, type KitSession } from './session-kit.js';

let stubs: AllStubs;
beforeAll(async () => {
  stubs = await startAllStubs({
    models: [
      QWEN3_CODER,
      { name: 'nomic-embed-text:latest', size: 274_000_000, contextLength: 2048 },
    ],
  });
});
afterAll(async () => {
  await stubs.close();
});

const open: KitSession[] = [];
afterEach(() => {
  for (const kit of open.splice(0)) kit.close();
  stubs.anthropic.steps.length = 0;
});

async function start(cacheOn = true) {
  const kit = await startSession(stubs, { config: { cache: { semantic: { enabled: cacheOn } } } });
  open.push(kit);
  const records = (): LedgerRecord[] =>
    readFileSync(join(ledgerDir(kit.env), `${monthOfDate(new Date())}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as LedgerRecord);
  const stored = () => {
    try {
      return readFileSync(join(kit.dataDir, 'cache', 'semantic.jsonl'), 'utf8')
        .trim()
        .split('\n').length;
    } catch {
      return 0;
    }
  };
  return { session: kit.session, records, cwd: kit.cwd, stored };
}

const turns = (s: AppState) => s.transcript.filter((i) => i.kind === 'turn').length;
const QUESTION = 'what does the CAP theorem say about partition tolerance?';

/** One answered turn on Sonnet (a turn override skips the card). */
async function answerOnce(
  { session, stored }: { session: Session; stored: () => number },
  prompt: string,
  text: string,
  cacheable = true,
) {
  const lines = stored();
  stubs.anthropic.steps.push({ text: [text], usage: { input: 2000, output: 300 } });
  const before = turns(session.getState());
  session.setModelOverride('anthropic/claude-sonnet-5-5', 'turn');
  session.submit(prompt);
  await until(session, (s) => turns(s) > before && !s.live);
  // The answer is stored after the turn is shown (the embedding is the lookup's, reused).
  if (cacheable) await until(session, () => stored() > lines);
  // The same question is only served in the same context: a fresh conversation (/new).
  session.newTask();
}

describe('semantic cache in the session', () => {
  it('offers the earlier answer first; Enter serves it for $0 and books the saving', async () => {
    const started = await start();
    const { session, records } = started;
    await answerOnce(started, QUESTION, 'CAP: under a partition choose C or A.');
    const sent = stubs.anthropic.requests.length;
    const paid = records().find((r) => r.type === 'call');
    expect(paid && paid.type === 'call' ? paid.costUsd : null).toBeGreaterThan(0);

    session.setModelOverride('anthropic/claude-sonnet-5-5', 'turn');
    session.submit(QUESTION);
    const card = (await until(session, (s) => s.proposal?.cached !== undefined)).proposal!;
    const paidUsd = paid && paid.type === 'call' ? paid.costUsd : null;
    expect(card.cached!.line).toBe(
      `cached answer from just now (similarity 1.00, was anthropic/claude-sonnet-5-5, ${usd(paidUsd)})`,
    );
    session.acceptRoute();
    const state = await until(session, (s) => turns(s) === 2);

    expect(stubs.anthropic.requests.length).toBe(sent); // nothing was sent
    const answers = state.transcript.filter((i) => i.kind === 'assistant');
    expect(answers.at(-1)).toMatchObject({ text: 'CAP: under a partition choose C or A.' });
    expect(state.transcript.filter((i) => i.kind === 'turn').at(-1)).toMatchObject({
      costUsd: 0,
      how: expect.stringMatching(/^cached answer · saved \$/),
    });
    const hit = records().find((r) => r.type === 'cache_hit');
    expect(hit).toMatchObject({
      costUsd: 0,
      savedUsd: paid && paid.type === 'call' ? paid.costUsd : -1,
    });
  });

  it('r routes anyway, x drops a wrong answer so the next ask is a miss', async () => {
    const started = await start();
    const { session } = started;
    await answerOnce(started, QUESTION, 'first answer');

    session.setModelOverride('anthropic/claude-sonnet-5-5', 'turn');
    session.submit(QUESTION);
    await until(session, (s) => s.proposal?.cached !== undefined);
    session.routeAnyway();
    expect(session.getState().proposal).toMatchObject({ cached: undefined });
    expect(session.getState().proposal!.options.length).toBeGreaterThan(0);
    session.cancelRoute();

    session.submit(QUESTION);
    await until(session, (s) => s.proposal?.cached !== undefined);
    session.dropCachedAnswer();
    expect(session.getState().proposal?.cached).toBeUndefined();
    session.cancelRoute();

    session.submit(QUESTION);
    const card = await until(session, (s) => s.proposal !== undefined);
    expect(card.proposal!.cached).toBeUndefined();
    session.explainCache();
    const notes = session.getState().transcript.filter((i) => i.kind === 'notice');
    expect(notes.map((n) => (n.kind === 'notice' ? n.text : '')).join('\n')).toMatch(
      /similarity|empty|threshold/,
    );
  });

  it('a turn that asks for work, or a question about a file that then changed, is never served', async () => {
    const started = await start();
    const { session, cwd } = started;
    writeFileSync(join(cwd, 'notes.md'), 'version one\n');
    await answerOnce(started, 'what does notes.md say?', 'It says version one.');
    writeFileSync(join(cwd, 'notes.md'), 'version two\n');
    session.submit('what does notes.md say?');
    const card = await until(session, (s) => s.proposal !== undefined);
    expect(card.proposal!.cached).toBeUndefined();
    session.explainCache();
    const last = session.getState().transcript.filter((i) => i.kind === 'notice');
    expect(last.map((n) => (n.kind === 'notice' ? n.text : '')).join('\n')).toMatch(
      /notes\.md was different/,
    );
    session.cancelRoute();

    await answerOnce(started, 'fix the typo in the README please', 'Fixed.', false);
    session.submit('fix the typo in the README please');
    const again = await until(session, (s) => s.proposal !== undefined);
    expect(again.proposal!.cached).toBeUndefined();
  });

  it('with the cache off nothing is embedded', async () => {
    const started = await start(false);
    const { session } = started;
    const embeds = () => stubs.ollama.requests.filter((r) => r.path === '/api/embed').length;
    const before = embeds();
    await answerOnce(started, QUESTION, 'answer', false);
    session.submit(QUESTION);
    await until(session, (s) => s.proposal !== undefined);
    expect(embeds()).toBe(before);
  });
});
