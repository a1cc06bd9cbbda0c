// Anthropic Messages request body → GatewayRequest. Shapes from the Messages API reference and
// @anthropic-ai/sdk MessageCreateParams: `system` is a string or TextBlockParam[]; a message's
// `content` is a string or blocks (text, image, document, thinking, redacted_thinking, tool_use,
// tool_result); client tools carry `input_schema`, server tools a versioned `type`
// (web_search_20250305, …); `thinking: {type: 'enabled', budget_tokens}`; `metadata.user_id`.
import { KirikaeError } from '../core/errors.js';
import type { AssistantMessage, Message, ToolCall, ToolSpec } from '../core/message.js';
import { toolCallFromRaw } from '../providers/tool-args.js';
import { asArray, asNumber, asRecord, asString, type GatewayRequest } from './request.js';

/** Text of a string-or-blocks field (system, tool_result content); other blocks are named in `dropped`. */
function blockText(value: unknown, dropped: string[]): string {
  if (typeof value === 'string') return value;
  const parts: string[] = [];
  for (const item of asArray(value)) {
    const block = asRecord(item);
    if (!block) continue;
    if (block.type === 'text') parts.push(asString(block.text) ?? '');
    else if (typeof block.type === 'string') dropped.push(block.type);
  }
  return parts.join('\n');
}

/**
 * Claude Code's metadata.user_id is `user_<hash>_account_<uuid>_session_<uuid>` (the format
 * claude-code-router splits on `_session_`); newer clients send a JSON string with session_id.
 */
export function anthropicSessionId(metadata: unknown): string | undefined {
  const userId = asString(asRecord(metadata)?.user_id);
  if (!userId) return undefined;
  if (userId.startsWith('{')) {
    try {
      return asString(asRecord(JSON.parse(userId))?.session_id);
    } catch {
      return undefined;
    }
  }
  const at = userId.indexOf('_session_');
  return at >= 0 ? userId.slice(at + '_session_'.length) || undefined : undefined;
}

function userMessages(
  content: unknown,
  toolNames: Map<string, string>,
  dropped: string[],
): Message[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const out: Message[] = [];
  const text: string[] = [];
  for (const item of asArray(content)) {
    const block = asRecord(item);
    if (!block) continue;
    if (block.type === 'text') text.push(asString(block.text) ?? '');
    else if (block.type === 'tool_result') {
      const id = asString(block.tool_use_id) ?? '';
      out.push({
        role: 'tool',
        toolCallId: id,
        toolName: toolNames.get(id) ?? '',
        content: blockText(block.content, dropped),
        ...(block.is_error === true ? { isError: true } : {}),
      });
    } else if (typeof block.type === 'string') dropped.push(block.type);
  }
  // Tool results answer the previous assistant turn, so they come before any new user text.
  if (text.length) out.push({ role: 'user', content: text.join('\n') });
  return out;
}

function assistantMessage(
  content: unknown,
  toolNames: Map<string, string>,
  dropped: string[],
): AssistantMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  const text: string[] = [];
  const reasoning: string[] = [];
  const calls: ToolCall[] = [];
  for (const item of asArray(content)) {
    const block = asRecord(item);
    if (!block) continue;
    if (block.type === 'text') text.push(asString(block.text) ?? '');
    else if (block.type === 'thinking') reasoning.push(asString(block.thinking) ?? '');
    else if (block.type === 'tool_use') {
      const id = asString(block.id) ?? '';
      const name = asString(block.name) ?? '';
      toolNames.set(id, name);
      calls.push(toolCallFromRaw(id, name, JSON.stringify(block.input ?? {})));
    } else if (block.type !== 'redacted_thinking' && typeof block.type === 'string')
      dropped.push(block.type);
  }
  return {
    role: 'assistant',
    content: text.join(''),
    ...(calls.length ? { toolCalls: calls } : {}),
    ...(reasoning.length ? { reasoning: reasoning.join('') } : {}),
  };
}

/**
 * Whether a request asks for more reasoning than its client's default. Claude Code (2.1.332,
 * captured against a local endpoint on 2 Dec 2026) sends thinking on every request: adaptive
 * with effort `high` to Claude 4.6 models, `{type: enabled, budget_tokens: max_tokens − 1}` to
 * older ones. Neither says anything about the task. A budget below the whole output (a client
 * that chose one), or effort `max`, is an ask.
 */
function asksForThinking(
  thinking: Record<string, unknown> | undefined,
  maxTokens: number | undefined,
  effort: unknown,
): boolean {
  if (effort === 'max') return true;
  if (thinking?.type !== 'enabled') return false;
  const budget = asNumber(thinking.budget_tokens);
  return budget === undefined || maxTokens === undefined || budget < maxTokens - 1;
}

/** A client tool (with input_schema) as kirikae's ToolSpec; server tools return undefined. */
function toolSpec(item: unknown): ToolSpec | undefined {
  const tool = asRecord(item);
  const schema = asRecord(tool?.input_schema);
  const name = asString(tool?.name);
  if (!tool || !schema || !name) return undefined;
  return { name, description: asString(tool.description) ?? '', parameters: schema };
}

export function fromAnthropicRequest(body: unknown): GatewayRequest {
  const b = asRecord(body);
  const model = asString(b?.model);
  if (!b || !model || !Array.isArray(b.messages)) {
    throw new KirikaeError('bad_request', 'model and messages are required');
  }
  const dropped: string[] = [];
  const toolNames = new Map<string, string>();
  const messages: Message[] = [];
  for (const item of b.messages) {
    const m = asRecord(item);
    if (m?.role === 'user') messages.push(...userMessages(m.content, toolNames, dropped));
    else if (m?.role === 'assistant')
      messages.push(assistantMessage(m.content, toolNames, dropped));
  }
  const tools: ToolSpec[] = [];
  let webSearch = false;
  for (const item of asArray(b.tools)) {
    const spec = toolSpec(item);
    if (spec) tools.push(spec);
    else if (asString(asRecord(item)?.type)?.startsWith('web_search')) webSearch = true;
  }
  const system = b.system === undefined ? undefined : blockText(b.system, dropped);
  const maxTokens = asNumber(b.max_tokens);
  const temperature = asNumber(b.temperature);
  const thinking = asRecord(b.thinking);
  const sessionId = anthropicSessionId(b.metadata);
  return {
    format: 'anthropic',
    model,
    ...(system ? { system } : {}),
    messages,
    ...(tools.length ? { tools } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    stream: b.stream === true,
    thinking: asksForThinking(thinking, maxTokens, asRecord(b.output_config)?.effort),
    webSearch,
    dropped: [...new Set(dropped)],
    ...(sessionId ? { sessionId } : {}),
  };
}
