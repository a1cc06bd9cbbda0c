import { describe, expect, it } from 'vitest';
import { LOW_CONFIDENCE } from '../../src/router/classify.js';
import { classifyRules as classify } from '../../src/router/rules.js';

describe('classifyRules', () => {
  it('finds a JavaScript stack trace and calls it debugging', () => {
    const c = classify(
      `it crashes:\nError: boom\n    at run (/app/src/main.ts:10:3)\n    at main (/app/src/main.ts:2:1)`,
    );
    expect(c.taskType).toBe('debug');
    expect(c.signals).toContain('stack-trace');
  });

  it('uses session facts: a stack trace seen in a tool result, files, diff size', () => {
    const c = classify('what is going on here?', {
      hasStackTrace: true,
      filesNamed: ['a.ts', 'b.ts', 'c.ts'],
      diffLines: 450,
    });
    expect(c.taskType).toBe('debug');
    expect(c.signals).toEqual(expect.arrayContaining(['stack-trace', 'files:3', 'diff:450']));
    expect(c.complexity).toBeGreaterThanOrEqual(5);
  });

  it('counts file names in the prompt and raises complexity for many of them', () => {
    const one = classify('refactor src/a.ts');
    const many = classify('refactor src/a.ts, src/b.ts, src/c.ts and lib/d.py');
    expect(many.signals).toContain('files:4');
    expect(many.complexity).toBeGreaterThan(one.complexity);
  });

  it('a follow-up of a failed attempt continues the task, one step harder', () => {
    const first = classify('still not working', { previousTaskType: 'bugfix' });
    const failed = classify('still not working', {
      previousTaskType: 'bugfix',
      followUpOfFailure: true,
    });
    expect(failed.taskType).toBe('bugfix');
    expect(failed.signals).toContain('follow-up-of-failure');
    expect(failed.complexity).toBe(first.complexity + 1);
  });

  it('a vague prompt with no cue is low confidence', () => {
    const c = classify('hmm, ok, and then the other one');
    expect(c.confidence).toBeLessThan(LOW_CONFIDENCE);
    const vague = classify('do the same for the other one', { previousTaskType: 'test' });
    expect(vague.taskType).toBe('test');
    expect(vague.signals).toContain('continues-previous');
    expect(classify('続けて', { previousTaskType: 'test' }).signals).toContain(
      'continues-previous',
    );
  });

  it('continues the previous task only for a vague follow-up, not a request of its own', () => {
    // No cue and long: a request, whatever the conversation was about before.
    const own = classify(
      'the onboarding screens and the settings page, same spacing as the new design tokens everywhere please',
      { previousTaskType: 'debug' },
    );
    expect(own.signals).toContain('no-cue');
    expect(own.taskType).not.toBe('debug');
    expect(classify('do the same for the other one', { previousTaskType: 'debug' }).taskType).toBe(
      'debug',
    );
    // Corpus requests without a cue, which are not follow-ups.
    for (const request of [
      'replace the deprecated trimRight() with trimEnd()',
      'lint: remove all the unused variables',
      '設定画面の「インデックス」と「投稿」タブの表記揺れ（ウイジェット/ウィジェット など）を統一して',
      'Feature Envy と Shotgun Surgery ってどういうコードの臭い?例を出して',
    ]) {
      expect(classify(request, { previousTaskType: 'debug' }).signals).not.toContain(
        'continues-previous',
      );
    }
    const ja = classify(
      'オンボーディング画面の余白を新しいデザイントークンに合わせて全部そろえておいてほしい',
      {
        previousTaskType: 'debug',
      },
    );
    expect(ja.signals).not.toContain('continues-previous');
  });

  it('turns a conversation above the threshold into a long-context turn, keeping what was asked', () => {
    const c = classify(
      'fix the bug in the parser',
      { conversationTokens: 80_000 },
      { longContextThreshold: 60_000 },
    );
    expect(c.taskType).toBe('long-context');
    expect(c.baseTaskType).toBe('bugfix');
    expect(c.signals).toContain('conversation:80K>60K');
    expect(
      classify('fix the bug', { conversationTokens: 50_000 }, { longContextThreshold: 60_000 })
        .taskType,
    ).toBe('bugfix');
  });

  it('a huge pasted prompt is long-context', () => {
    const log = 'INFO request served in 12ms\n'.repeat(2000);
    expect(classify(`what happened here?\n${log}`).taskType).toBe('long-context');
  });

  it('"why" about a failure is debugging; "why" about a design is a question (English and Japanese)', () => {
    expect(classify('why does the build fail on CI?').taskType).toBe('debug');
    expect(classify('なぜこのAPIはエラーを返すのか').taskType).toBe('debug');
    expect(['research', 'chat']).toContain(classify('why does React use a virtual DOM?').taskType);
  });

  it('見直す (reconsider) is not 直す (fix)', () => {
    expect(classify('設計を見直したい').signals).not.toContain('ja:直して');
    expect(classify('このバグを直して').taskType).toBe('bugfix');
  });

  it('risk and scope words raise complexity; "small" lowers it', () => {
    expect(classify('refactor the payment service across all modules').complexity).toBe(5);
    expect(classify('small refactor of the parser').complexity).toBe(2);
  });

  // Defects from issue 14: Japanese cues matched inside longer words.
  it('間違い (mistake) is not a comparison, 違い (difference) is', () => {
    expect(classify('この関数の間違いを直して').signals).not.toContain('ja:比較');
    expect(classify('ReactとVueの違いを教えて').signals).toContain('ja:比較');
  });

  it('おかしい is its own weak cue, not the 動かない bug cue', () => {
    const c = classify('表示がおかしい');
    expect(c.signals).toContain('ja:おかしい');
    expect(c.signals).not.toContain('ja:動かない');
  });

  it('リネーム is a rename cue, not ちょっと; renaming across the code base is a refactor', () => {
    const one = classify('この変数をリネームして');
    expect(one.signals).toContain('ja:リネーム');
    expect(one.signals).not.toContain('ja:ちょっと');
    expect(one.taskType).toBe('quick-fix');
    expect(classify('プロジェクト全体でUserをAccountにリネームして').taskType).toBe('refactor');
  });

  it('a markdown list is not a diff', () => {
    const list = classify('Update the docs:\n- install\n- configure\n- run\n- test\n- deploy');
    expect(list.signals.some((s) => s.startsWith('diff:'))).toBe(false);
    const diff = classify('review this\n@@ -1,3 +1,3 @@\n-a\n+b\n-c\n+d\n-e\n+f');
    expect(diff.signals).toContain('diff:6');
  });
});
