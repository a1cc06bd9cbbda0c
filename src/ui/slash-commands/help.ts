import type { SlashCommand } from './types.js';

export const help: SlashCommand = {
  name: 'help',
  description: 'keys and commands',
  run: (_args, app) => app.setScreen('help'),
};
