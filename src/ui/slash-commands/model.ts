import type { SlashCommand } from './types.js';

export const model: SlashCommand = {
  name: 'model',
  description:
    'use a model for the session (or the next turn with --once); no argument: back to routing',
  usage: '/model [provider/model] [--once]',
  run: (args, app) => {
    const once = /(^|\s)--once(\s|$)/.test(args);
    const id = args.replace(/--once/, '').trim();
    app.setModelOverride(id || undefined, once ? 'turn' : 'session');
  },
};
