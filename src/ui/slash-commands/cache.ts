import type { SlashCommand } from './types.js';

export const cache: SlashCommand = {
  name: 'cache',
  description: 'semantic answer cache: on, off, or why the last prompt was (not) served from it',
  usage: '/cache on|off|why',
  run: (args, app) => {
    const value = args.trim().toLowerCase();
    if (value === 'on' || value === 'off') app.setCache(value === 'on');
    else if (value === 'why' || value === '') app.explainCache();
    else app.notify('error', `/cache ${value}: use /cache on, /cache off or /cache why`);
  },
};
