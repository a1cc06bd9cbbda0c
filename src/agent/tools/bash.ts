import { z } from 'zod';
import { redact } from '../../core/secrets.js';
import { oneLine } from '../output.js';
import { runProcess, type ProcessResult } from '../process.js';
import { ToolError, defineTool } from './types.js';

/** Upper bound a model may ask for; the config default applies when it asks for nothing. */
export const MAX_BASH_TIMEOUT_MS = 10 * 60_000;
const OUTPUT_CAP = { headBytes: 12_000, tailBytes: 12_000 };

const schema = z.object({
  command: z.string().min(1).describe('Shell command (bash), run in the workspace root'),
  timeout_ms: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(`Timeout in milliseconds (at most ${MAX_BASH_TIMEOUT_MS})`),
});

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** The line after the output that tells the model how the command ended. */
export function describeExit(result: ProcessResult, timeoutMs: number): string {
  if (result.spawnError) return `[could not start: ${result.spawnError}]`;
  if (result.timedOut) {
    return `[timed out after ${seconds(timeoutMs)}; the command and every process it started were stopped]`;
  }
  if (result.aborted) return '[stopped by the user]';
  if (result.exitCode === null) return '[killed by a signal]';
  return `[exit code ${result.exitCode}]`;
}

export const bashTool = defineTool({
  name: 'bash',
  description:
    'Run a shell command in the workspace root, non-interactively (no stdin; CI=1). stdout and stderr come back ' +
    'together; long output keeps its start and end. Background processes the command starts are stopped when it exits.',
  access: 'bash',
  schema,
  async prepare(args, ctx) {
    const timeoutMs = Math.min(args.timeout_ms ?? ctx.bashTimeoutMs, MAX_BASH_TIMEOUT_MS);
    return {
      summary: `$ ${oneLine(args.command, 100)}`,
      detail: args.command,
      target: args.command.trim(),
      async run(signal) {
        // Read at run time: the mode may have changed while the dialog was open.
        const policy = ctx.policy?.bash() ?? { envAllow: [] };
        if (policy.refuse) throw new ToolError(policy.refuse);
        const result = await runProcess({
          command: args.command,
          cwd: ctx.workspace.root,
          timeoutMs,
          signal,
          cap: OUTPUT_CAP,
          envAllow: policy.envAllow,
          ...(policy.sandbox ? { sandbox: policy.sandbox } : {}),
        });
        const exit = describeExit(result, timeoutMs);
        // A key printed by a script (not from our env: that is stripped) goes no further.
        const output = redact(result.output.replace(/\s+$/, ''));
        return {
          ok: result.exitCode === 0,
          content: output ? `${output}\n${exit}` : `(no output)\n${exit}`,
          summary: `$ ${oneLine(args.command, 60)} ${exit} in ${seconds(result.durationMs)}`,
        };
      },
    };
  },
});
