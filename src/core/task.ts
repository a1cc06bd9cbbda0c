export const TASK_TYPES = [
  'architecture',
  'refactor',
  'implement',
  'bugfix',
  'debug',
  'test',
  'review',
  'docs',
  'quick-fix',
  'research',
  'long-context',
  'chat',
] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export function isTaskType(value: unknown): value is TaskType {
  return typeof value === 'string' && (TASK_TYPES as readonly string[]).includes(value);
}

/** 1 = trivial … 5 = hard, multi-file, risky. */
export type Complexity = 1 | 2 | 3 | 4 | 5;

export type TaskOutcome = 'completed' | 'abandoned' | 'failed';
