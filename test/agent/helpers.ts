import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message, ToolCall } from '../../src/core/message.js';
import type { Provider, ProviderRequest } from '../../src/core/provider.js';
import type { StreamEvent } from '../../src/core/stream.js';
import type { Usage } from '../../src/core/usage.js';
import type { KirikaeError } from '../../src/core/errors.js';

export function tempDir(prefix = 'kirikae-agent-'): { dir: string; cleanup: () => void } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One scripted model reply. */
export interface FakeStep {
  text?: string;
  calls?: Array<{ name: string; args?: unknown; raw?: string; id?: string }>;
  usage?: Partial<Usage>;
  error?: KirikaeError;
}

export function usage(partial: Partial<Usage> = {}): Usage {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, ...partial };
}

function toolCall(call: NonNullable<FakeStep['calls']>[number], n: number): ToolCall {
  const id = call.id ?? `call_${n}`;
  if (call.raw !== undefined) {
    try {
      return { id, name: call.name, arguments: JSON.parse(call.raw), rawArguments: call.raw };
    } catch (error) {
      return {
        id,
        name: call.name,
        arguments: undefined,
        rawArguments: call.raw,
        argumentsError: (error as Error).message,
      };
    }
  }
  const raw = JSON.stringify(call.args ?? {});
  return { id, name: call.name, arguments: call.args ?? {}, rawArguments: raw };
}

/**
 * A Provider that replays scripted steps as StreamEvents, recording every request (messages
 * copied) so a test can check what the model was shown.
 */
export function fakeProvider(steps: FakeStep[]): Provider & { requests: ProviderRequest[] } {
  const requests: ProviderRequest[] = [];
  let n = 0;
  return {
    id: 'anthropic',
    requests,
    async *stream(request: ProviderRequest): AsyncIterable<StreamEvent> {
      requests.push({ ...request, messages: structuredClone(request.messages) });
      const step = steps.shift() ?? { text: 'done' };
      if (step.text) yield { type: 'text', text: step.text };
      for (const call of step.calls ?? []) yield { type: 'tool_call', call: toolCall(call, ++n) };
      yield { type: 'usage', usage: usage(step.usage ?? { input: 10, output: 5 }) };
      if (step.error) {
        yield { type: 'error', error: step.error, metrics: { durationMs: 1 } };
        return;
      }
      yield {
        type: 'done',
        stopReason: step.calls?.length ? 'tool_use' : 'end_turn',
        metrics: { durationMs: 1 },
      };
    },
  };
}

export function toolResults(messages: readonly Message[]): Extract<Message, { role: 'tool' }>[] {
  return messages.filter((m): m is Extract<Message, { role: 'tool' }> => m.role === 'tool');
}

export function read(path: string): string {
  return readFileSync(path, 'utf8');
}

/** True while the process exists and is not a zombie (an orphan nobody reaped yet). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

export async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}
