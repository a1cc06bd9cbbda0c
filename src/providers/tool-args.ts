import type { ToolCall } from '../core/index.js';

/**
 * Turns streamed tool arguments into a ToolCall. Broken JSON is common from local models and
 * from cut streams; it is reported on the call (argumentsError) so the agent can tell the model,
 * never thrown.
 */
export function toolCallFromRaw(id: string, name: string, rawArguments: string): ToolCall {
  // Tools without parameters stream no argument text at all.
  if (rawArguments.trim() === '') return { id, name, arguments: {}, rawArguments };
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawArguments);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { id, name, arguments: undefined, rawArguments, argumentsError: reason };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return {
      id,
      name,
      arguments: undefined,
      rawArguments,
      argumentsError: 'Tool arguments are not a JSON object',
    };
  }
  return { id, name, arguments: parsed, rawArguments };
}

/** Arguments to send back to a provider for a call made earlier in the conversation. */
export function argumentsObject(call: ToolCall): Record<string, unknown> {
  const args = call.arguments;
  return args !== null && typeof args === 'object' && !Array.isArray(args)
    ? (args as Record<string, unknown>)
    : {};
}
