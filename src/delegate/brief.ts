import { z } from 'zod';

/** What the planner hands the executor: a concrete sub-task, never the conversation. */
export const briefSchema = z.object({
  goal: z
    .string()
    .min(1)
    .describe('The concrete sub-task: what to change and how, precise enough to act on alone'),
  files: z
    .array(z.string())
    .default([])
    .describe('Workspace-relative files the executor should read or change'),
  check: z
    .string()
    .optional()
    .describe('A shell command that exits 0 when the sub-task is done (e.g. "npm test")'),
});

export type DelegateBrief = z.output<typeof briefSchema>;

/** The tool's name in the planner's tool list and on tool results (stubbing looks for it). */
export const DELEGATE_TOOL = 'delegate';
