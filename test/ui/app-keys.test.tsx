// Keys on the real App, with a fake controller: every intent the chat sends.
import { render as renderWithTestingLibrary } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/app.js';
import { buildKeymap } from '../../src/ui/keymap.js';
import { inputLines, KEY, renderApp, tick } from './app-harness.js';
import { createFakeController, proposal } from './fake-controller.js';

let mounted: { unmount(): void }[] = [];
afterEach(() => {
  for (const m of mounted) m.unmount();
  mounted = [];
});

function setup(initial: Parameters<typeof createFakeController>[0] = {}) {
  const app = createFakeController(initial);
  const ui = renderApp(app);
  mounted.push(ui);
  return { app, ui };
}

/** The input box text without the prompt marker and its indent, lines joined with \n. */
function typed(frame: string): string {
  return inputLines(frame)
    .map((l, i) => (i === 0 ? l.replace(/^› /, '') : l.replace(/^ {2}/, '')))
    .join('\n')
    .trimEnd();
}

const EMPTY = /^\s+Type a prompt · \/ for commands · \? for help$/;

describe('ink-testing-library stdin', () => {
  it('reaches useKeys: its stdin.write feeds the internal event emitter the app listens on', async () => {
    const app = createFakeController();
    const ui = renderWithTestingLibrary(<App controller={app} keymap={buildKeymap()} env={{}} />);
    mounted.push(ui);
    await tick(30);
    ui.stdin.write('hi there');
    await tick(30);
    expect(ui.lastFrame()).toContain('hi there');
    ui.stdin.write('\r');
    await tick(30);
    expect(app.callsOf('submit')).toEqual([['hi there']]);
  });
});

describe('prompt input', () => {
  it('typing then Enter submits the text and clears the input', async () => {
    const { app, ui } = setup();
    await ui.press('f', 'i', 'x', ' ', 'it', KEY.enter);
    expect(app.callsOf('submit')).toEqual([['fix it']]);
    expect(typed(ui.text())).toMatch(EMPTY);
  });

  it('text and Enter arriving in one read submit too', async () => {
    const { app, ui } = setup();
    await ui.press('hello\r');
    expect(app.callsOf('submit')).toEqual([['hello']]);
  });

  it('multi-line text without paste brackets is inserted as lines, not submitted', async () => {
    const { app, ui } = setup();
    await ui.press('one\rtwo\rthree');
    expect(app.callsOf('submit')).toEqual([]);
    expect(typed(ui.text())).toBe('one\ntwo\nthree');
  });

  it('Alt+Enter and a trailing backslash start a new line instead of submitting', async () => {
    const { app, ui } = setup();
    await ui.press('line one', KEY.altEnter, 'line two\\', KEY.enter, 'three');
    expect(app.callsOf('submit')).toEqual([]);
    expect(typed(ui.text())).toBe('line one\nline two\nthree');
    await ui.press(KEY.enter);
    expect(app.callsOf('submit')).toEqual([['line one\nline two\nthree']]);
  });

  it('edits: backspace, left/right, Ctrl-U, and several backspaces in one read', async () => {
    const { ui } = setup();
    await ui.press('abcd', KEY.backspace, KEY.left, 'X');
    expect(typed(ui.text())).toBe('abXc');
    await ui.press('\x7f\x7f'); // two backspaces read together (key repeat while busy)
    expect(typed(ui.text())).toBe('ac');
    await ui.press(KEY.right, KEY.ctrlU);
    expect(typed(ui.text())).toMatch(EMPTY);
  });

  it('Up and Down browse earlier prompts', async () => {
    const { app, ui } = setup();
    await ui.press('first\r', 'second\r', KEY.up);
    expect(typed(ui.text())).toBe('second');
    await ui.press(KEY.up);
    expect(typed(ui.text())).toBe('first');
    await ui.press(KEY.down, KEY.down);
    expect(typed(ui.text())).toMatch(EMPTY);
    await ui.press(KEY.up, KEY.up, KEY.enter);
    expect(app.callsOf('submit')).toEqual([['first'], ['second'], ['first']]);
  });

  it('after --continue, Up recalls the resumed prompts (they arrive after the screen)', async () => {
    const { app, ui } = setup();
    app.update({
      transcript: [
        { id: 1, kind: 'user', text: 'fix the date parser' },
        { id: 2, kind: 'assistant', text: 'Done.', model: 'anthropic/claude-sonnet-4-6' },
        { id: 3, kind: 'user', text: 'now add a test' },
      ],
    });
    await tick();
    await ui.press(KEY.up);
    expect(typed(ui.text())).toBe('now add a test');
    await ui.press(KEY.up);
    expect(typed(ui.text())).toBe('fix the date parser');
    await ui.press(KEY.down, KEY.down, 'third\r', KEY.up);
    expect(typed(ui.text())).toBe('third');
  });

  it('"/co" + Tab completes to /costs, and Enter runs it', async () => {
    const { app, ui } = setup();
    await ui.press('/co');
    expect(ui.text()).toContain('/costs spend by month');
    await ui.press(KEY.tab);
    expect(typed(ui.text())).toBe('/costs');
    await ui.press(KEY.enter);
    expect(app.callsOf('setScreen')).toEqual([['costs']]);
    expect(app.callsOf('submit')).toEqual([]);
  });

  it('Enter on a unique partial command completes it first', async () => {
    const { app, ui } = setup();
    await ui.press('/he', KEY.enter);
    expect(typed(ui.text())).toBe('/help');
    expect(app.callsOf('setScreen')).toEqual([]);
    await ui.press(KEY.enter);
    expect(app.callsOf('setScreen')).toEqual([['help']]);
  });

  it('a slash command with arguments goes to the registry, not to the model', async () => {
    const { app, ui } = setup();
    await ui.press('/tier 9\r');
    expect(app.callsOf('submit')).toEqual([]);
    expect(app.callsOf('notify')[0]?.[0]).toBe('error');
    await ui.press('/model ollama/qwen3-coder:30b --once', KEY.enter);
    expect(app.callsOf('setModelOverride')).toEqual([['ollama/qwen3-coder:30b', 'turn']]);
  });

  it('? on an empty prompt opens help; Ctrl-O/T/L open screens; Esc goes back', async () => {
    const { app, ui } = setup();
    await ui.press('?');
    expect(app.callsOf('setScreen')).toEqual([['help']]);
    await ui.press(KEY.ctrlO, KEY.ctrlT, KEY.ctrlL);
    expect(app.callsOf('setScreen').slice(1)).toEqual([['models'], ['pull'], ['costs']]);
    app.update({ screen: 'costs' });
    await ui.press('x', KEY.escape);
    expect(app.callsOf('setScreen').at(-1)).toEqual(['chat']);
    expect(app.callsOf('submit')).toEqual([]);
    app.update({ screen: 'chat' });
    await ui.press('what?');
    expect(typed(ui.text())).toBe('what?');
  });
});

describe('bracketed paste', () => {
  const big = (): string => {
    const line = 'export const row = { id: 1, name: "ünïcödé 切替", ok: true };\n';
    return line.repeat(Math.ceil(1_048_576 / line.length));
  };

  it('folds a 1 MB paste into a placeholder, and Enter submits the full text', async () => {
    const { app, ui } = setup();
    const text = big();
    await ui.press('Review this:', KEY.altEnter);
    await ui.press(KEY.pasteStart + text + KEY.pasteEnd);
    const lines = text.split('\n').length.toLocaleString('en-US');
    const chars = text.length.toLocaleString('en-US');
    expect(typed(ui.text())).toBe(`Review this:\n[Pasted text #1: ${lines} lines, ${chars} chars]`);
    await ui.press(KEY.enter);
    const sent = app.callsOf('submit');
    expect(sent).toHaveLength(1);
    expect(sent[0]![0]).toBe(`Review this:\n${text.trimEnd()}`);
  });

  it('assembles a paste that arrives in many reads, markers split across reads', async () => {
    const { app, ui } = setup();
    const text = big();
    const stream = KEY.pasteStart + text + KEY.pasteEnd;
    const reads: string[] = [];
    for (let i = 0; i < stream.length; i += 65_533) reads.push(stream.slice(i, i + 65_533));
    reads.push(stream.slice(-3)); // the end marker split: "…\x1b[20" + "1~"
    reads[reads.length - 2] = reads[reads.length - 2]!.slice(0, -3);
    for (const read of reads) ui.stdin.write(read);
    await ui.settle();
    expect(typed(ui.text())).toMatch(/^\[Pasted text #1: [\d,]+ lines, [\d,]+ chars\]$/);
    await ui.press(KEY.enter);
    expect(app.callsOf('submit')[0]![0]).toBe(text.trimEnd());
  });

  it('a paste whose end marker never comes is ended after a second, and keys work again', async () => {
    const { app, ui } = setup();
    ui.stdin.write(`${KEY.pasteStart}lost end marker`);
    await new Promise((r) => setTimeout(r, 1_200));
    await ui.press('!', KEY.enter);
    expect(app.callsOf('submit')).toEqual([['lost end marker!']]);
  });

  it('a sent paste comes back folded: Esc on its card, and ↑ from history', async () => {
    // Unfolded, a megabyte in the box froze the screen for minutes (and ignored Ctrl-C).
    const { app, ui } = setup();
    const text = big();
    await ui.press('Review:', KEY.altEnter, KEY.pasteStart + text + KEY.pasteEnd, KEY.enter);
    const sent = app.callsOf('submit')[0]![0] as string;
    const folded = /^Review:\n\[Pasted text #1: [\d,]+ lines, [\d,]+ chars\]$/;
    app.update({ proposal: proposal({ prompt: sent }) });
    await ui.waitFor((f) => f.includes('Esc cancel'));
    await ui.press(KEY.escape);
    expect(typed(await ui.waitFor((f) => !f.includes('Esc cancel')))).toMatch(folded);
    await ui.press(KEY.enter);
    expect(app.callsOf('submit')[1]![0]).toBe(sent);
    await ui.press(KEY.up);
    expect(typed(ui.text())).toMatch(folded);
  });

  it('a megabyte typed without paste brackets, 4 KB a read, is one placeholder', async () => {
    const { app, ui } = setup();
    const text = 'x'.repeat(1_048_576);
    for (let i = 0; i < text.length; i += 4_096) ui.stdin.write(text.slice(i, i + 4_096));
    await ui.settle();
    expect(typed(ui.text())).toBe('[Pasted text #1: 1 lines, 1,048,576 chars]');
    await ui.press(KEY.enter);
    expect(app.callsOf('submit')).toEqual([[text]]);
  });

  it('a short paste with a trailing newline is inserted, never submitted', async () => {
    const { app, ui } = setup();
    await ui.press(`${KEY.pasteStart}npm test\r${KEY.pasteEnd}`);
    expect(app.callsOf('submit')).toEqual([]);
    await ui.press(KEY.enter);
    expect(app.callsOf('submit')).toEqual([['npm test']]);
  });
});

describe('route card keys', () => {
  it('Enter accepts, digits pick a tier, ←/→ cycle the model, a/A always route', async () => {
    const { app, ui } = setup({ proposal: proposal() });
    await ui.waitFor((f) => f.includes('Enter accept'));
    await ui.press(KEY.enter);
    expect(app.callsOf('acceptRoute')).toEqual([[]]);
    await ui.press('1', '3', '0', '7');
    expect(app.callsOf('selectTier')).toEqual([[1], [3], [0]]);
    await ui.press(KEY.left, KEY.right, KEY.right);
    expect(app.callsOf('cycleModel')).toEqual([[-1], [1], [1]]);
    await ui.press('a', 'A');
    expect(app.callsOf('alwaysRoute')).toEqual([[false], [true]]);
    // Nothing on the card typed into the prompt, nothing submitted.
    expect(app.callsOf('submit')).toEqual([]);
  });

  it('Esc cancels, and the prompt comes back into the input', async () => {
    const { app, ui } = setup({ proposal: proposal({ prompt: 'refactor the parser' }) });
    await ui.waitFor((f) => f.includes('Esc cancel'));
    await ui.press(KEY.escape);
    expect(app.callsOf('cancelRoute')).toEqual([[]]);
    const frame = await ui.waitFor((f) => !f.includes('Esc cancel'));
    expect(typed(frame)).toBe('refactor the parser');
    await ui.press(' now', KEY.enter);
    expect(app.callsOf('submit')).toEqual([['refactor the parser now']]);
  });

  it('at 40 columns the card still names every key, d (delegate) and a/A among them', async () => {
    const app = createFakeController({ proposal: proposal() });
    const ui = renderApp(app, { columns: 40 });
    mounted.push(ui);
    const frame = await ui.waitFor((f) => f.includes('Enter ok'));
    const keys = frame.slice(frame.indexOf('Enter ok')).replace(/[│\s]+/g, ' ');
    expect(keys).toContain('a/A always · d delegate · Esc');
  });

  it('a pasted "a" is not a key press on the card', async () => {
    const { app, ui } = setup({ proposal: proposal() });
    await ui.press(`${KEY.pasteStart}a${KEY.pasteEnd}`);
    expect(app.callsOf('alwaysRoute')).toEqual([]);
  });

  it('Enter while the card waits does not send the typed prompt', async () => {
    const { app, ui } = setup();
    await ui.press('second prompt');
    app.update({ proposal: proposal() });
    await ui.settle();
    await ui.press(KEY.enter);
    expect(app.callsOf('acceptRoute')).toEqual([[]]);
    expect(app.callsOf('submit')).toEqual([]);
  });
});

describe('Ctrl-C and Esc', () => {
  it('Ctrl-C clears the input; a second one quits', async () => {
    const { app, ui } = setup();
    await ui.press('draft', KEY.ctrlC);
    expect(typed(ui.text())).toMatch(EMPTY);
    expect(ui.text()).toContain('Press Ctrl-C again to exit');
    expect(app.callsOf('quit')).toEqual([]);
    await ui.press(KEY.ctrlC);
    expect(app.callsOf('quit')).toEqual([[]]);
  });

  it('the exit hint goes when its window closes, and the wait hint when the answer ends', async () => {
    const { app, ui } = setup();
    await ui.press(KEY.ctrlC);
    expect(ui.text()).toContain('Press Ctrl-C again to exit');
    await ui.waitFor((f) => !f.includes('Press Ctrl-C again'), 3_000);
    app.update({
      live: {
        model: 'ollama/qwen3-coder:30b',
        tier: 3,
        text: 'Partial',
        status: 'streaming',
        startedAt: 1_700_000_000_000,
        outputTokens: 4,
      },
    });
    await ui.press('next', KEY.enter);
    expect(ui.text()).toContain('Wait for the answer');
    app.update({ live: undefined });
    await ui.waitFor((f) => !f.includes('Wait for the answer'));
  });

  it('another key between the two Ctrl-C does not quit', async () => {
    const { app, ui } = setup();
    await ui.press(KEY.ctrlC, 'x', KEY.ctrlC);
    expect(app.callsOf('quit')).toEqual([]);
  });

  it('Ctrl-C during an answer interrupts it first', async () => {
    const live = {
      model: 'anthropic/claude-sonnet-4-6',
      tier: 1 as const,
      text: 'Working on it',
      status: 'streaming' as const,
      startedAt: 1_700_000_000_000,
      outputTokens: 12,
    };
    const { app, ui } = setup({ live });
    await ui.press(KEY.ctrlC);
    expect(app.callsOf('interrupt')).toEqual([[]]);
    expect(app.callsOf('quit')).toEqual([]);
  });

  it('Ctrl-D quits on an empty prompt only', async () => {
    const { app, ui } = setup();
    await ui.press('x', KEY.ctrlD);
    expect(app.callsOf('quit')).toEqual([]);
    await ui.press(KEY.backspace, KEY.ctrlD);
    expect(app.callsOf('quit')).toEqual([[]]);
  });

  it('Esc while an answer streams interrupts it; Enter then keeps the typed prompt', async () => {
    const { app, ui } = setup({
      live: {
        model: 'ollama/qwen3-coder:30b',
        tier: 3,
        text: 'Partial answer',
        status: 'streaming',
        startedAt: 1_700_000_000_000,
        outputTokens: 40,
      },
    });
    await ui.press('next question', KEY.enter);
    expect(app.callsOf('submit')).toEqual([]);
    expect(ui.text()).toContain('Wait for the answer, or press Esc to interrupt it');
    expect(typed(ui.text())).toBe('next question');
    await ui.press(' too\r'); // typed fast: the Enter came in the same read
    expect(app.callsOf('submit')).toEqual([]);
    expect(typed(ui.text())).toBe('next question too');
    await ui.press(KEY.escape);
    expect(app.callsOf('interrupt')).toEqual([[]]);
    app.update({ live: undefined });
    await ui.press(KEY.enter);
    expect(app.callsOf('submit')).toEqual([['next question too']]);
  });
});

describe('approval dialog keys', () => {
  const approval = {
    tool: 'bash',
    summary: 'npm test -- --run date-parser',
  };

  it.each([
    ['y', 'once'],
    ['s', 'session'],
    ['A', 'always'],
    [KEY.escape, 'deny'],
  ])('%j answers %s', async (key, decision) => {
    const { app, ui } = setup({ approval });
    await ui.waitFor((f) => f.includes('Allow bash?'));
    await ui.press(key);
    expect(app.callsOf('answerApproval')).toEqual([[decision]]);
  });

  it('while the dialog asks, the live line does not offer Esc to interrupt (Esc answers the dialog)', async () => {
    const live = {
      model: 'anthropic/claude-sonnet-5-5',
      tier: 1 as const,
      text: '',
      status: 'tool' as const,
      tool: 'bash',
      startedAt: 1_700_000_000_000,
      outputTokens: 0,
    };
    const { app, ui } = setup({ approval, live });
    const frame = await ui.waitFor((f) => f.includes('Allow bash?'));
    expect(frame).toContain('running bash');
    expect(frame).toContain('waiting for your answer');
    expect(frame).not.toContain('Esc to interrupt');
    app.update({ approval: undefined });
    await ui.waitFor((f) => f.includes('Esc to interrupt'));
  });

  it('n asks for a note, and Enter sends the denial with it', async () => {
    const { app, ui } = setup({ approval });
    await ui.press('n');
    expect(ui.text()).toContain('note to the model');
    await ui.press('use ', 'rg', 'x', KEY.backspace, ' instead', KEY.enter);
    expect(app.callsOf('answerApproval')).toEqual([['deny', 'use rg instead']]);
  });

  it('a note typed fast (with its Enter in the same read) is sent too', async () => {
    const { app, ui } = setup({ approval });
    await ui.press('n', 'not now\r');
    expect(app.callsOf('answerApproval')).toEqual([['deny', 'not now']]);
  });

  it('n then Enter denies without a note; n then Esc goes back to the choice', async () => {
    const { app, ui } = setup({ approval });
    await ui.press('n', KEY.escape);
    expect(app.callsOf('answerApproval')).toEqual([]);
    expect(ui.text()).toContain('y once · s this session');
    await ui.press('n', KEY.enter);
    expect(app.callsOf('answerApproval')).toEqual([['deny', undefined]]);
  });

  it('a pasted "y" does not approve, and keys never reach the prompt', async () => {
    const { app, ui } = setup({ approval });
    await ui.press(`${KEY.pasteStart}y${KEY.pasteEnd}`, 'q');
    expect(app.callsOf('answerApproval')).toEqual([]);
    app.update({ approval: undefined });
    await ui.settle();
    expect(typed(ui.text())).toMatch(EMPTY);
  });
});
