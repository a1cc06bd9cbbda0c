import type { SlashCommand } from './types.js';

export const clear: SlashCommand = {
  name: 'clear',
  description: 'clear the screen and start a fresh conversation',
  run: (_args, app) => app.clearTranscript(),
};
