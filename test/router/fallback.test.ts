import { describe, expect, it } from 'vitest';
import { EMPTY_COOLDOWN, recordFailure } from '../../src/router/cooldown.js';
import { fallsBack, nextFallback } from '../../src/router/fallback.js';
import { seedConfig } from '../fixtures/seed-config.js';

const chain = seedConfig().fallback;
// ['anthropic/claude-sonnet-4-6', 'openai/gpt-5.3-codex', 'openrouter/deepseek/deepseek-chat', 'ollama/qwen3-coder:30b']

describe('nextFallback', () => {
  it('529 overloaded on the first route → the next in the chain, with a notice', () => {
    const r = nextFallback({ failed: chain[0]!, kind: 'overloaded', chain });
    expect(r.model).toBe('openai/gpt-5.3-codex');
    expect(r.next).toEqual({ provider: 'openai', model: 'gpt-5.3-codex' });
    expect(r.notice).toBe(
      'anthropic/claude-sonnet-4-6 is overloaded; falling back to openai/gpt-5.3-codex (cold cache)',
    );
  });

  it('auth → never the same provider', () => {
    const r = nextFallback({
      failed: 'anthropic/claude-opus-4-6',
      kind: 'auth',
      chain: [
        'anthropic/claude-sonnet-4-6',
        'anthropic/claude-haiku-4-5',
        'openrouter/deepseek/deepseek-chat',
      ],
    });
    expect(r.model).toBe('openrouter/deepseek/deepseek-chat');
    expect(r.skipped.map((s) => s.model)).toEqual([
      'anthropic/claude-sonnet-4-6',
      'anthropic/claude-haiku-4-5',
    ]);
    expect(r.skipped[0]!.reason).toMatch(/same provider as the auth failure/);
  });

  it('spend limit skips the provider too; a rate limit only the model', () => {
    const both = ['anthropic/claude-haiku-4-5', 'openai/gpt-5.3-codex'];
    expect(
      nextFallback({ failed: 'anthropic/claude-sonnet-4-6', kind: 'spend_limit', chain: both })
        .model,
    ).toBe('openai/gpt-5.3-codex');
    expect(
      nextFallback({ failed: 'anthropic/claude-sonnet-4-6', kind: 'rate_limit', chain: both })
        .model,
    ).toBe('anthropic/claude-haiku-4-5');
  });

  it('skips models already tried, cooled-down providers and unavailable routes', () => {
    let cooldown = EMPTY_COOLDOWN;
    for (const t of [0, 1, 2])
      cooldown = recordFailure(cooldown, 'openrouter', { kind: 'server' }, t);
    const r = nextFallback({
      failed: 'anthropic/claude-sonnet-4-6',
      kind: 'network',
      chain,
      tried: ['openai/gpt-5.3-codex'],
      cooldown,
      now: 10,
      unavailable: (m) => (m === 'ollama/qwen3-coder:30b' ? 'not installed' : undefined),
    });
    expect(r.next).toBeUndefined();
    expect(r.notice).toMatch(/no fallback route left/);
    expect(r.skipped).toEqual([
      {
        model: 'openrouter/deepseek/deepseek-chat',
        reason: expect.stringMatching(/openrouter cooling down/),
      },
      { model: 'ollama/qwen3-coder:30b', reason: 'not installed' },
    ]);
  });

  it('continues after the failed entry, then wraps to the ones before it', () => {
    const r = nextFallback({ failed: 'openrouter/deepseek/deepseek-chat', kind: 'server', chain });
    expect(r.model).toBe('ollama/qwen3-coder:30b');
    const r2 = nextFallback({
      failed: 'ollama/qwen3-coder:30b',
      kind: 'bad_response',
      chain,
      tried: [],
    });
    expect(r2.model).toBe('anthropic/claude-sonnet-4-6');
  });

  it('a model outside the chain starts from its top', () => {
    expect(
      nextFallback({ failed: 'anthropic/claude-opus-4-6', kind: 'overloaded', chain }).model,
    ).toBe('anthropic/claude-sonnet-4-6');
  });

  it('context_length picks a model with a bigger window', () => {
    const windows: Record<string, number> = {
      'anthropic/claude-haiku-4-5': 200_000,
      'openrouter/deepseek/deepseek-chat': 163_840,
      'anthropic/claude-sonnet-4-6': 1_000_000,
    };
    const r = nextFallback({
      failed: 'anthropic/claude-haiku-4-5',
      kind: 'context_length',
      chain: ['openrouter/deepseek/deepseek-chat', 'anthropic/claude-sonnet-4-6'],
      neededTokens: 240_000,
      contextWindowOf: (m) => windows[m],
    });
    expect(r.model).toBe('anthropic/claude-sonnet-4-6');
  });

  it('does not fall back from an abort or a bad request', () => {
    expect(fallsBack('aborted')).toBe(false);
    expect(fallsBack('bad_request')).toBe(false);
    const r = nextFallback({ failed: chain[0]!, kind: 'aborted', chain });
    expect(r.next).toBeUndefined();
    expect(r.notice).toMatch(/no fallback for this kind of error/);
    for (const kind of ['rate_limit', 'overloaded', 'network', 'server', 'bad_response'] as const) {
      expect(fallsBack(kind)).toBe(true);
    }
  });
});
