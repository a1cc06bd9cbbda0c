import type { SlashCommand } from './types.js';

export const auto: SlashCommand = {
  name: 'auto',
  description: 'accept proposed routes without the card (on/off); overrides are cleared',
  usage: '/auto [on|off]',
  run: (args, app) => {
    const value = args.trim().toLowerCase();
    app.setModelOverride(undefined, 'session');
    app.setTierOverride(undefined, 'session');
    app.setAutoAccept(value !== 'off');
  },
};
