// Components on their own (ink-testing-library, 100 columns): folding of long content.
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { Answer } from '../../src/ui/components/answer.js';
import { ApprovalDialog } from '../../src/ui/components/approval-dialog.js';
import { CodeBlock } from '../../src/ui/components/code-block.js';
import { InputBox } from '../../src/ui/components/input-box.js';
import { LiveTurnView } from '../../src/ui/components/live-turn.js';
import { TranscriptItemView } from '../../src/ui/components/transcript-item.js';
import { fromText } from '../../src/ui/input-model.js';
import { loadTheme } from '../../src/ui/theme.js';
import { ThemeContext } from '../../src/ui/theme-context.js';
import { renderApp } from './app-harness.js';
import { createFakeController } from './fake-controller.js';

let mounted: { unmount(): void }[] = [];
afterEach(() => {
  for (const m of mounted) m.unmount();
  mounted = [];
});

function draw(element: ReactElement): string {
  const ui = render(
    <ThemeContext.Provider value={loadTheme('dark', {})}>{element}</ThemeContext.Provider>,
  );
  mounted.push(ui);
  return stripVTControlCharacters(ui.lastFrame() ?? '');
}

const numbered = (n: number, prefix = 'line'): string =>
  Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`).join('\n');

describe('folding', () => {
  it('a long answer in the transcript keeps its head and tail', () => {
    const frame = draw(<Answer text={numbered(100)} />);
    expect(frame).toContain('line 50\n… 40 lines folded …\nline 91');
    expect(frame).not.toContain('line 51\n');
    expect(frame).toContain('line 100');
  });

  it('the live answer is never folded (its tail is cut by the live view)', () => {
    const frame = draw(<Answer text={numbered(100)} live />);
    expect(frame).toContain('line 51');
    expect(frame).not.toContain('folded');
  });

  it('a long code block folds to its first and last lines', () => {
    const frame = draw(<CodeBlock lang="ts" code={numbered(100, 'const x')} maxLines={40} />);
    expect(frame).toContain('│ ts');
    expect(frame).toContain('│ const x 36\n│ … 61 lines folded …\n│ const x 98');
    expect(frame).toContain('const x 100');
  });

  it('an approval diff folds after 20 lines and keeps the last 5', () => {
    const diff = Array.from({ length: 40 }, (_, i) => `+added ${i + 1}`).join('\n');
    const frame = draw(
      <ApprovalDialog approval={{ tool: 'edit', summary: 'a.ts', diff }} width={60} />,
    );
    expect(frame).toContain('+added 20');
    expect(frame).not.toContain('+added 21 ');
    expect(frame).toContain('… 15 lines folded');
    expect(frame).toContain('+added 40');
  });

  it('an approval shows a command once: why it asks, then the whole command', () => {
    const frame = draw(
      <ApprovalDialog
        approval={{
          tool: 'bash',
          summary: '$ sed -i s/a/b/ sum.js — running commands needs approval',
          reason: 'running commands needs approval',
          detail: 'sed -i s/a/b/ sum.js',
        }}
        width={70}
      />,
    );
    expect(frame).toContain('running commands needs approval');
    expect(frame.match(/sed -i s\/a\/b\/ sum\.js/g)).toHaveLength(1);
  });

  it('a prompt of many lines shows its last 12 and how many are above', () => {
    const frame = draw(
      <InputBox input={fromText(numbered(20))} width={60} placeholder="" active />,
    );
    expect(frame).toContain('… 8 lines above');
    expect(frame).toContain('line 9');
    expect(frame).not.toContain('line 8 ');
    expect(frame).toContain('line 20');
  });
});

describe('/clear', () => {
  it('wipes the terminal when the clear epoch moves', async () => {
    const app = createFakeController();
    const ui = renderApp(app);
    mounted.push(ui);
    await ui.settle();
    expect(ui.stdout.frames.some((f) => f.includes('\x1b[2J'))).toBe(false);
    app.update({ clearEpoch: 1 });
    await ui.settle();
    expect(ui.stdout.frames.some((f) => f.includes('\x1b[2J\x1b[3J\x1b[H'))).toBe(true);
  });
});

describe('delegated work in the transcript', () => {
  const EXECUTOR = 'ollama/qwen3-coder:30b';
  it("sets the executor's steps apart from the planner's and names it", () => {
    const tool = draw(
      <TranscriptItemView
        item={{
          id: 1,
          kind: 'tool',
          name: 'edit_file',
          summary: 'src/math.js +1 −1',
          ok: true,
          executor: EXECUTOR,
        }}
      />,
    );
    expect(tool).toBe('  ↳ ⏺ edit_file src/math.js +1 −1');
    const said = draw(
      <TranscriptItemView
        item={{
          id: 2,
          kind: 'assistant',
          text: 'Replaced a - b.',
          model: EXECUTOR,
          executor: EXECUTOR,
        }}
      />,
    );
    expect(said).toContain(`  ↳ executor ${EXECUTOR}\n  Replaced a - b.`);
    const rest = draw(
      <TranscriptItemView
        item={{
          id: 4,
          kind: 'assistant',
          text: 'Then the test.',
          model: EXECUTOR,
          executor: EXECUTOR,
          continued: true,
        }}
      />,
    );
    expect(rest).toBe('\n  Then the test.');
    const own = draw(
      <TranscriptItemView
        item={{ id: 3, kind: 'tool', name: 'delegate', summary: 'done', ok: true }}
      />,
    );
    expect(own).toBe('⏺ delegate done');
  });

  it('the live line says when the executor is at work', () => {
    const frame = draw(
      <LiveTurnView
        live={{
          model: 'anthropic/claude-opus-4-6',
          tier: 0,
          text: '',
          status: 'tool',
          tool: 'bash',
          startedAt: 0,
          outputTokens: 0,
          executor: EXECUTOR,
        }}
        maxLines={5}
        now={2000}
      />,
    );
    expect(frame).toContain(
      `● anthropic/claude-opus-4-6 · executor ${EXECUTOR} · running bash · 2 s`,
    );
  });
});
