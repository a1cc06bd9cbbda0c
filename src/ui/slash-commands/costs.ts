import type { SlashCommand } from './types.js';

export const costs: SlashCommand = {
  name: 'costs',
  description: 'spend by month, tier, model and task',
  run: (_args, app) => app.setScreen('costs'),
};
