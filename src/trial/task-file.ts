// A trial task file (JSON): what breaks the repository, what the model is asked, and the one
// judge — a check command whose exit code alone decides success (no model as judge).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { TASK_TYPES } from '../core/task.js';
import { KirikaeError } from '../core/errors.js';

const setupSchema = z.union([
  z.object({ commit: z.string().min(1) }).strict(),
  z.object({ patch: z.string().min(1) }).strict(),
  z.object({ script: z.string().min(1) }).strict(),
]);

export const taskFileSchema = z.object({
  name: z.string().min(1),
  /** The task type the ledger books the runs under (solo vs delegated compare within it). */
  type: z.enum(TASK_TYPES),
  prompt: z.string().min(1),
  /** Run before the model starts: check out a commit, apply a patch, or run a script. */
  setup: setupSchema.optional(),
  /** Exit code 0 = success. Runs in the run's worktree. */
  check: z.string().min(1),
  checkTimeoutMs: z.number().int().positive().default(120_000),
});

export interface TrialTask extends z.output<typeof taskFileSchema> {
  /** The task file's folder: patches and scripts are found relative to it. */
  dir: string;
  file: string;
}

export function readTaskFile(file: string): TrialTask {
  const path = resolve(file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new KirikaeError('config', `Cannot read the task file ${file}: ${String(error)}`);
  }
  const parsed = taskFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || '(file)'}: ${i.message}`,
    );
    throw new KirikaeError('config', `The task file ${file} is not valid: ${problems.join('; ')}`);
  }
  return { ...parsed.data, dir: dirname(path), file: path };
}
