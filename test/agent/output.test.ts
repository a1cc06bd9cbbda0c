import { describe, expect, it } from 'vitest';
import { HeadTailBuffer, capText } from '../../src/agent/output.js';

const numbered = (n: number): string =>
  Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

describe('output capping', () => {
  it('leaves short output alone', () => {
    expect(capText('a\nb\n', { headBytes: 100, tailBytes: 100 })).toBe('a\nb\n');
  });

  it('keeps the head and the tail and says what was cut', () => {
    const text = numbered(1000);
    const capped = capText(text, { headBytes: 200, tailBytes: 200 });
    expect(capped.startsWith('line 1\nline 2\n')).toBe(true);
    expect(capped.trimEnd().endsWith('line 1000')).toBe(true);
    expect(capped).not.toContain('line 500\n');
    const marker = /\[… (\d+) lines \((\d+) bytes\) cut from the middle …\]/.exec(capped);
    expect(marker).not.toBeNull();
    // Every line is either shown or counted as cut.
    const shown = capped.split('\n').filter((l) => l.startsWith('line ')).length;
    expect(shown + Number(marker![1])).toBe(1000);
  });

  it('streams in bounded memory: chunks of any size give the same result', () => {
    const text = numbered(5000);
    const whole = capText(text, { headBytes: 300, tailBytes: 300 });
    const streamed = new HeadTailBuffer({ headBytes: 300, tailBytes: 300 });
    for (let i = 0; i < text.length; i += 7) streamed.push(text.slice(i, i + 7));
    expect(streamed.toString()).toBe(whole);
    expect(streamed.totalBytes).toBe(Buffer.byteLength(text));
  });

  it('never splits a multi-byte character', () => {
    const text = 'é'.repeat(5000);
    const capped = capText(text, { headBytes: 101, tailBytes: 101 });
    expect(capped).not.toContain('\uFFFD');
  });
});
