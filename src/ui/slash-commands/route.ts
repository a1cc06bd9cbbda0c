import type { SlashCommand } from './types.js';

export const route: SlashCommand = {
  name: 'route',
  description: 'why the last route was chosen',
  run: (_args, app) => app.explainLastRoute(),
};
