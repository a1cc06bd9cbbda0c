import type { SlashCommand } from './types.js';

export const newTask: SlashCommand = {
  name: 'new',
  description: 'start a new task (the current one is recorded as abandoned)',
  run: (_args, app) => app.newTask(),
};
