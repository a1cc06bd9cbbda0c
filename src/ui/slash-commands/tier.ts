import { parseTier } from '../../core/tier.js';
import type { SlashCommand } from './types.js';

export const tier: SlashCommand = {
  name: 'tier',
  description:
    'use a tier 0–4 for the session (or the next turn with --once); no argument: back to routing',
  usage: '/tier [0-4] [--once]',
  run: (args, app) => {
    const once = /(^|\s)--once(\s|$)/.test(args);
    const value = args.replace(/--once/, '').trim();
    if (!value) return app.setTierOverride(undefined, 'session');
    const parsed = parseTier(value);
    if (parsed === undefined)
      return app.notify(
        'error',
        `"${value}" is not a tier: use 0 frontier, 1 standard, 2 efficient, 3 local, 4 budget`,
      );
    app.setTierOverride(parsed, once ? 'turn' : 'session');
  },
};
