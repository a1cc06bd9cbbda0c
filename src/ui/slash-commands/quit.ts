import type { SlashCommand } from './types.js';

export const quit: SlashCommand = {
  name: 'quit',
  description: 'leave kirikae (the session is saved; resume with kirikae --continue)',
  run: (_args, app) => app.quit(),
};
