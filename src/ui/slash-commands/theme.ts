import { THEME_NAMES, isThemeName } from '../../core/theme-names.js';
import type { SlashCommand } from './types.js';

export const theme: SlashCommand = {
  name: 'theme',
  description: `switch the colour theme (${THEME_NAMES.join(', ')})`,
  usage: '/theme <name>',
  run: (args, app) => {
    const name = args.trim();
    if (isThemeName(name)) return app.setTheme(name);
    if (name) return app.notify('error', `No theme "${name}": choose ${THEME_NAMES.join(', ')}`);
    const current = THEME_NAMES.findIndex((t) => t === app.getState().themeName);
    app.setTheme(THEME_NAMES[(current + 1) % THEME_NAMES.length]!);
  },
};
