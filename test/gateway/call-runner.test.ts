// runCall, the pass-through runner, on the screen's core: what it books and when it falls back.
import { describe, expect, it } from 'vitest';
import { runCall, type CallEvent } from '../../src/session/call-runner.js';
import { gatewayHarness } from './harness.js';

const harness = gatewayHarness();

describe('runCall', () => {
  it('falls back when a local model cannot be placed, booking only the call that ran', async () => {
    const { core, calls } = await harness.makeCore({
      config: { fallback: ['ollama/qwen3-coder:30b', 'anthropic/claude-sonnet-5-5'] },
    });
    harness.stubs().anthropic.steps.push({ text: ['from the cloud'] });
    const local = core.runner.local!;
    const runner = {
      ...core.runner,
      local: {
        ...local,
        ensureResident: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:11434')),
      },
    };
    const decision = core.routing.decide({
      prompt: 'fix the typo',
      override: { model: 'ollama/qwen3-coder:30b' },
    });
    const events: CallEvent[] = [];
    const result = await runCall(
      {
        turn: 1,
        task: 'gateway:test:1',
        taskType: decision.taskType,
        decision,
        how: 'auto',
        messages: [{ role: 'user', content: 'fix the typo' }],
        model: 'ollama/qwen3-coder:30b',
        signal: new AbortController().signal,
      },
      runner,
      (e) => events.push(e),
    );
    expect(result).toMatchObject({
      model: 'anthropic/claude-sonnet-5-5',
      tried: ['ollama/qwen3-coder:30b'],
      outcome: 'ok',
      stopReason: 'end_turn',
    });
    expect(events.find((e) => e.type === 'fallback')).toMatchObject({
      from: 'ollama/qwen3-coder:30b',
      to: 'anthropic/claude-sonnet-5-5',
    });
    const text = events
      .map((e) => (e.type === 'stream' && e.event.type === 'text' ? e.event.text : ''))
      .join('');
    expect(text).toBe('from the cloud');
    // Nothing was sent to Ollama, so nothing is booked for it.
    expect(calls().map((r) => [r.model, r.decision])).toEqual([
      ['anthropic/claude-sonnet-5-5', 'fallback'],
    ]);
    expect(result.records).toHaveLength(1);
    expect(result.cost.usd).toBe(result.records[0]!.costUsd);
  });
});
