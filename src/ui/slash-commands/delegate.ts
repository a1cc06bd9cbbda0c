import type { SlashCommand } from './types.js';

export const delegate: SlashCommand = {
  name: 'delegate',
  description: 'delegate mode: the routed model plans, an executor (default: local tier) does',
  usage: '/delegate on [haiku|local|provider/model] | off',
  run: (args, app) => {
    const [value = '', executor] = args.trim().split(/\s+/);
    if (value.toLowerCase() === 'off') app.setDelegate(false);
    else if (value.toLowerCase() === 'on' || value === '') app.setDelegate(true, executor);
    else app.notify('error', `/delegate ${value}: use /delegate on [executor] or /delegate off`);
  },
};
