import type { SlashCommand } from './types.js';

export const pull: SlashCommand = {
  name: 'pull',
  description: 'download Ollama models',
  run: (_args, app) => app.setScreen('pull'),
};
