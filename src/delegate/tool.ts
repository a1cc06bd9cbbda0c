// The `delegate` tool: offered to the planner only when delegate mode is on. Its call runs an
// executor and answers with the executor's bounded result. It asks no approval of its own —
// every file and bash call the executor makes goes through the same gate and dialog.
import { defineTool, toToolSpec, type Tool } from '../agent/tools/types.js';
import type { ToolSpec } from '../core/message.js';
import { oneLine } from '../agent/output.js';
import { briefSchema, DELEGATE_TOOL, type DelegateBrief } from './brief.js';
import { renderResult, resultHeadline, type ExecutorResult, type ResultLimits } from './result.js';

const DESCRIPTION =
  'Hand a concrete sub-task to an executor model that has the same file and bash tools. Give ' +
  'it the goal, the files and a check command. It returns a short account (files changed, the ' +
  'check and its result, a few lines of notes), not its transcript. Each result stays in your ' +
  'context for the rest of the task: delegate work that is worth more than reading it back.';

/**
 * What the planner is sent for the tool: the route card counts it in a delegated turn's request,
 * as the turn sends it, or its estimate and warm-cache check would be of another request.
 */
export function delegateToolSpec(): ToolSpec {
  // Built on first use: the schema's conversion is start-up time a solo session never needs.
  return (spec ??= toToolSpec(DELEGATE_TOOL, DESCRIPTION, briefSchema));
}
let spec: ToolSpec | undefined;

export function createDelegateTool(
  run: (brief: DelegateBrief, signal: AbortSignal) => Promise<ExecutorResult>,
  limits: ResultLimits,
): Tool<DelegateBrief> {
  return defineTool({
    name: DELEGATE_TOOL,
    description: DESCRIPTION,
    access: 'read',
    schema: briefSchema,
    async prepare(brief) {
      return {
        summary: `delegate ${oneLine(brief.goal, 80)}`,
        detail: brief.goal,
        target: brief.goal,
        async run(signal) {
          const result = await run(brief, signal);
          return {
            ok: result.status === 'done' && (result.check?.passed ?? true),
            content: renderResult(result, limits),
            summary: oneLine(resultHeadline(result), 160),
            changed: result.changed.map((f) => f.path),
          };
        },
      };
    },
  });
}
