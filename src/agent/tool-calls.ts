/**
 * Checking a model's tool call before anything runs. Local models often send an unknown tool
 * name, arguments that are not JSON, or JSON that misses a field: each gets a result that says
 * what was wrong and what was expected, so the model can correct itself on the next step.
 */
import type { ToolCall, ToolSpec } from '../core/message.js';
import { oneLine } from './output.js';
import type { Tool } from './tools/types.js';

export type CheckedCall =
  { ok: true; tool: Tool; args: unknown } | { ok: false; tool?: Tool; error: string };

interface JsonSchemaProperty {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  minimum?: number;
}

/** One line per parameter: `- path (string, required): File path, relative to …`. */
export function describeParameters(spec: ToolSpec): string {
  const properties = (spec.parameters.properties ?? {}) as Record<string, JsonSchemaProperty>;
  const required = new Set((spec.parameters.required ?? []) as string[]);
  const lines = Object.entries(properties).map(([name, prop]) => {
    const type = prop.enum
      ? prop.enum.map((v) => JSON.stringify(v)).join(' | ')
      : Array.isArray(prop.type)
        ? prop.type.join(' | ')
        : (prop.type ?? 'any');
    const need = required.has(name) ? 'required' : 'optional';
    return `- ${name} (${type}, ${need})${prop.description ? `: ${prop.description}` : ''}`;
  });
  return lines.length ? lines.join('\n') : '(no parameters)';
}

function expected(tool: Tool): string {
  return `${tool.name} takes one JSON object:\n${describeParameters(tool.spec)}`;
}

/**
 * Some models double-encode: `"{\"path\": \"a.ts\"}"` instead of an object. Unwrapping that is
 * harmless and saves a round trip.
 */
function unwrap(args: unknown): unknown {
  if (typeof args !== 'string') return args;
  try {
    const parsed: unknown = JSON.parse(args);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : args;
  } catch {
    return args;
  }
}

export function checkToolCall(call: ToolCall, tools: readonly Tool[]): CheckedCall {
  const tool = tools.find((t) => t.name === call.name);
  if (!tool) {
    return {
      ok: false,
      error:
        `There is no tool named "${call.name}". Available tools: ${tools.map((t) => t.name).join(', ')}. ` +
        'Call one of them by its exact name.',
    };
  }
  if (call.argumentsError !== undefined || call.arguments === undefined) {
    return {
      ok: false,
      tool,
      error:
        `The arguments of your ${tool.name} call are not valid JSON (${call.argumentsError ?? 'missing'}). ` +
        `You sent: ${oneLine(call.rawArguments || '(nothing)', 200)}\n${expected(tool)}\n` +
        'Call the tool again with a single valid JSON object.',
    };
  }
  const parsed = tool.schema.safeParse(unwrap(call.arguments));
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((issue) => {
        const where = issue.path.length ? issue.path.map(String).join('.') : 'arguments';
        return `${where}: ${issue.message}`;
      })
      .join('; ');
    return {
      ok: false,
      tool,
      error:
        `The arguments of your ${tool.name} call do not match its parameters (${problems}).\n` +
        `${expected(tool)}\nCall the tool again with corrected arguments.`,
    };
  }
  return { ok: true, tool, args: parsed.data };
}
