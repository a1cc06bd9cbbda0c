import type { SlashCommand } from './types.js';

export const models: SlashCommand = {
  name: 'models',
  description: 'local models: resident, memory, load, unload, pin',
  run: (_args, app) => app.setScreen('models'),
};
