import type { SlashCommand } from './types.js';

export const done: SlashCommand = {
  name: 'done',
  description: 'mark the current task completed (feeds the router its success rates)',
  run: (_args, app) => app.doneTask(),
};
