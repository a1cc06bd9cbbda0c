/**
 * The built-in colour themes (`themes/*.json`, loaded by `ui/theme.ts`). Named here so the
 * config schema can refuse a theme that does not exist without importing the UI.
 */
export const THEME_NAMES = ['dark', 'light', 'high-contrast', 'dracula'] as const;
export type ThemeName = (typeof THEME_NAMES)[number];

export function isThemeName(name: string): name is ThemeName {
  return (THEME_NAMES as readonly string[]).includes(name);
}
