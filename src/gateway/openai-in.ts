// OpenAI Chat Completions request body → GatewayRequest. Shapes from the openai SDK's
// ChatCompletionCreateParams: messages of role system/developer/user/assistant/tool; content a
// string or parts (text, image_url, input_audio, file); assistant `tool_calls[{id, type:
// 'function', function: {name, arguments}}]` (arguments a JSON string); tool messages
// `{tool_call_id, content}`; tools `[{type: 'function', function: {name, description,
// parameters}}]`; max_tokens or max_completion_tokens; reasoning_effort; web_search_options.
import { KirikaeError } from '../core/errors.js';
import type { Message, ToolCall, ToolSpec } from '../core/message.js';
import { toolCallFromRaw } from '../providers/tool-args.js';
import { asArray, asNumber, asRecord, asString, type GatewayRequest } from './request.js';

function partsText(content: unknown, dropped: string[]): string {
  if (typeof content === 'string') return content;
  const parts: string[] = [];
  for (const item of asArray(content)) {
    const part = asRecord(item);
    if (!part) continue;
    if (part.type === 'text') parts.push(asString(part.text) ?? '');
    else if (typeof part.type === 'string') dropped.push(part.type);
  }
  return parts.join('\n');
}

function toolCalls(value: unknown, names: Map<string, string>): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const item of asArray(value)) {
    const call = asRecord(item);
    const fn = asRecord(call?.function);
    if (!call || !fn) continue;
    const id = asString(call.id) ?? '';
    const name = asString(fn.name) ?? '';
    names.set(id, name);
    calls.push(toolCallFromRaw(id, name, asString(fn.arguments) ?? ''));
  }
  return calls;
}

export function fromOpenAIRequest(body: unknown): GatewayRequest {
  const b = asRecord(body);
  const model = asString(b?.model);
  if (!b || !model || !Array.isArray(b.messages)) {
    throw new KirikaeError('bad_request', 'model and messages are required');
  }
  const dropped: string[] = [];
  const names = new Map<string, string>();
  const system: string[] = [];
  const messages: Message[] = [];
  for (const item of b.messages) {
    const m = asRecord(item);
    if (!m) continue;
    if (m.role === 'system' || m.role === 'developer') system.push(partsText(m.content, dropped));
    else if (m.role === 'user')
      messages.push({ role: 'user', content: partsText(m.content, dropped) });
    else if (m.role === 'assistant') {
      const calls = toolCalls(m.tool_calls, names);
      const reasoning = asString(m.reasoning_content);
      messages.push({
        role: 'assistant',
        content: m.content == null ? '' : partsText(m.content, dropped),
        ...(calls.length ? { toolCalls: calls } : {}),
        ...(reasoning ? { reasoning } : {}),
      });
    } else if (m.role === 'tool') {
      const id = asString(m.tool_call_id) ?? '';
      messages.push({
        role: 'tool',
        toolCallId: id,
        toolName: names.get(id) ?? '',
        content: partsText(m.content, dropped),
      });
    }
  }
  const tools: ToolSpec[] = [];
  for (const item of asArray(b.tools)) {
    const fn = asRecord(asRecord(item)?.function);
    const name = asString(fn?.name);
    if (!fn || !name) continue;
    tools.push({
      name,
      description: asString(fn.description) ?? '',
      parameters: asRecord(fn.parameters) ?? { type: 'object', properties: {} },
    });
  }
  const maxTokens = asNumber(b.max_completion_tokens) ?? asNumber(b.max_tokens);
  const temperature = asNumber(b.temperature);
  const sessionId = asString(b.user);
  return {
    format: 'openai',
    model,
    ...(system.length ? { system: system.join('\n\n') } : {}),
    messages,
    ...(tools.length ? { tools } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    stream: b.stream === true,
    includeUsage: asRecord(b.stream_options)?.include_usage === true,
    // Clients send a default effort (Codex: medium) on every call; only high and above ask.
    thinking: b.reasoning_effort === 'high' || b.reasoning_effort === 'xhigh',
    webSearch: b.web_search_options !== undefined,
    dropped: [...new Set(dropped)],
    ...(sessionId ? { sessionId } : {}),
  };
}
