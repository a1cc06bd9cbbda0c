import { createHash } from 'node:crypto';
import { countTextTokens, tokenizerReady } from './tokenizer.js';
import type { Message, ToolSpec } from '../core/message.js';

/**
 * Role markers and separators every chat format adds around a message. The exact figure differs
 * per vendor; the per-family correction learned from real usage absorbs the difference.
 */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/** Short texts are cheaper to count than to hash. */
const HASH_MIN_CHARS = 512;
/** Bounded so a long-running session does not keep every message it ever saw. */
const MAX_HASHED_ENTRIES = 20_000;

/**
 * Counts tokens with gpt-tokenizer (o200k) and remembers every message it counted, first by
 * object identity, then by a content hash, so a 200k-token conversation is tokenized once and
 * each turn only pays for what is new.
 */
export class TokenCounter {
  private readonly byObject = new WeakMap<object, number>();
  private readonly byHash = new Map<string, number>();
  /** Texts actually run through the tokenizer (for tests and the benchmark). */
  tokenizedTexts = 0;

  text(text: string): number {
    if (!text) return 0;
    if (text.length < HASH_MIN_CHARS || !tokenizerReady()) return this.tokenize(text);
    const key = createHash('sha1').update(text).digest('base64');
    const cached = this.byHash.get(key);
    if (cached !== undefined) return cached;
    const n = this.tokenize(text);
    if (this.byHash.size >= MAX_HASHED_ENTRIES) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.byHash.keys().next().value;
      if (oldest !== undefined) this.byHash.delete(oldest);
    }
    this.byHash.set(key, n);
    return n;
  }

  message(message: Message): number {
    const cached = this.byObject.get(message);
    if (cached !== undefined) return cached;
    let n = MESSAGE_OVERHEAD_TOKENS + this.text(message.content);
    if (message.role === 'assistant' && message.toolCalls) {
      for (const call of message.toolCalls)
        n += this.text(call.name) + this.text(call.rawArguments);
    } else if (message.role === 'tool') {
      n += this.text(message.toolName);
    }
    if (tokenizerReady()) this.byObject.set(message, n);
    return n;
  }

  tools(tools: readonly ToolSpec[] | undefined): number {
    if (!tools?.length) return 0;
    const cached = this.byObject.get(tools);
    if (cached !== undefined) return cached;
    let n = 0;
    for (const tool of tools) {
      const known = this.byObject.get(tool);
      const count =
        known ?? this.text(`${tool.name}\n${tool.description}\n${JSON.stringify(tool.parameters)}`);
      if (tokenizerReady()) this.byObject.set(tool, count);
      n += count;
    }
    if (tokenizerReady()) this.byObject.set(tools, n);
    return n;
  }

  private tokenize(text: string): number {
    this.tokenizedTexts++;
    return countTextTokens(text);
  }
}

/** Token counts of one request, with the running sum after each message for cache checks. */
export interface RequestTokens {
  system: number;
  tools: number;
  /** prefix[i] = system + tools + messages[0..i] inclusive. */
  prefix: number[];
  prompt: number;
  total: number;
}

export function countRequest(
  counter: TokenCounter,
  request: {
    system?: string;
    tools?: readonly ToolSpec[];
    messages?: readonly Message[];
    prompt?: string;
  },
): RequestTokens {
  const system = request.system ? counter.text(request.system) + MESSAGE_OVERHEAD_TOKENS : 0;
  const tools = counter.tools(request.tools);
  const messages = request.messages ?? [];
  const prefix = new Array<number>(messages.length);
  let running = system + tools;
  for (let i = 0; i < messages.length; i++) {
    running += counter.message(messages[i]!);
    prefix[i] = running;
  }
  const prompt = request.prompt ? counter.text(request.prompt) + MESSAGE_OVERHEAD_TOKENS : 0;
  return { system, tools, prefix, prompt, total: running + prompt };
}
