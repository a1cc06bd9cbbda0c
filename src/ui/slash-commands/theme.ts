import { THEME_NAMES } from '../theme.js';
import type { SlashCommand } from './types.js';

export const theme: SlashCommand = {
  name: 'theme',
  description: `switch the colour theme (${THEME_NAMES.join(', ')})`,
  usage: '/theme <name>',
  run: (args, app) => {
    const name = args.trim();
    if (!THEME_NAMES.includes(name)) {
      const next =
        THEME_NAMES[(THEME_NAMES.indexOf(app.getState().themeName) + 1) % THEME_NAMES.length]!;
      if (name) return app.notify('error', `No theme "${name}": choose ${THEME_NAMES.join(', ')}`);
      return app.setTheme(next);
    }
    app.setTheme(name);
  },
};
