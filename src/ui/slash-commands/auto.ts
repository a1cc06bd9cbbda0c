import type { SlashCommand } from './types.js';

export const auto: SlashCommand = {
  name: 'auto',
  description: 'accept proposed routes without the card (on/off); overrides are cleared',
  usage: '/auto [on|off]',
  run: (args, app) => {
    const value = args.trim().toLowerCase();
    // Anything else is a typo, and a typo must not turn off the card that asks before spending.
    if (value !== '' && value !== 'on' && value !== 'off')
      return app.notify('error', `/auto ${args.trim()}: say /auto on or /auto off`);
    app.setModelOverride(undefined, 'session');
    app.setTierOverride(undefined, 'session');
    app.setAutoAccept(value !== 'off');
  },
};
