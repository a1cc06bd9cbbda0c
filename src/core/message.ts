export interface ToolCall {
  id: string;
  name: string;
  /** Parsed arguments; `undefined` when the model sent arguments that are not valid JSON. */
  arguments: unknown;
  /** The arguments exactly as the model sent them (a string for OpenAI/Anthropic streams). */
  rawArguments: string;
  /** Set when `rawArguments` could not be parsed: a local model's broken tool-call JSON. */
  argumentsError?: string;
}

export interface UserMessage {
  role: 'user';
  content: string;
}

export interface AssistantMessage {
  role: 'assistant';
  content: string;
  toolCalls?: ToolCall[];
  /**
   * The reasoning text streamed with this reply. DeepSeek's thinking models require it back
   * (as reasoning_content) on an assistant message that made tool calls, or the next call is 400.
   */
  reasoning?: string;
}

export interface ToolResultMessage {
  role: 'tool';
  toolCallId: string;
  toolName: string;
  content: string;
  isError?: boolean;
}

export type Message = UserMessage | AssistantMessage | ToolResultMessage;

/**
 * The characters a request sends besides its messages (system prompt, tool specs): with
 * `messageChars` over the messages, what an interrupted call's input is estimated from.
 */
export function fixedRequestChars(system: string | undefined, tools: readonly ToolSpec[]): number {
  return (system?.length ?? 0) + tools.reduce((sum, t) => sum + JSON.stringify(t).length, 0);
}

/** A message's characters as sent (text, reasoning, tool calls): an estimate's raw count. */
export function messageChars(message: Message): number {
  let chars = message.content.length;
  if (message.role === 'assistant') {
    chars += message.reasoning?.length ?? 0;
    for (const call of message.toolCalls ?? [])
      chars += call.name.length + call.rawArguments.length;
  }
  return chars;
}

/** A tool as offered to a model: JSON Schema parameters, converted per provider. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}
