import { z } from 'zod';
import type { Tier } from '../core/tier.js';
import { THEME_NAMES } from '../core/theme-names.js';
import darkTheme from '../../themes/dark.json' with { type: 'json' };
import lightTheme from '../../themes/light.json' with { type: 'json' };
import highContrastTheme from '../../themes/high-contrast.json' with { type: 'json' };
import draculaTheme from '../../themes/dracula.json' with { type: 'json' };

const TOKENS = [
  'text',
  'muted',
  'accent',
  'border',
  'cost',
  'warn',
  'error',
  'success',
  'local',
  'code',
  'tier0',
  'tier1',
  'tier2',
  'tier3',
  'tier4',
] as const;
export type ColorToken = (typeof TOKENS)[number];

const themeSchema = z.object({
  name: z.string(),
  colors: z.object(
    Object.fromEntries(TOKENS.map((t) => [t, z.string()])) as Record<ColorToken, z.ZodString>,
  ),
});

export interface Theme {
  name: string;
  /** `undefined` colours mean "terminal default" (NO_COLOR). */
  colors: Record<ColorToken, string | undefined>;
  noColor: boolean;
}

// Bundled so the packaged CLI needs no file lookups at start-up.
const BUILT_IN = [darkTheme, lightTheme, highContrastTheme, draculaTheme].map((t) =>
  themeSchema.parse(t),
);

export { THEME_NAMES };

export function loadTheme(name: string, env: NodeJS.ProcessEnv = process.env): Theme {
  const found = BUILT_IN.find((t) => t.name === name) ?? BUILT_IN[0]!;
  // https://no-color.org: any non-empty value disables colour.
  const noColor = Boolean(env.NO_COLOR);
  const colors = Object.fromEntries(
    TOKENS.map((token) => [token, noColor ? undefined : found.colors[token]]),
  ) as Record<ColorToken, string | undefined>;
  return { name: found.name, colors, noColor };
}

export function tierColor(theme: Theme, tier: Tier | null | undefined): string | undefined {
  return tier === null || tier === undefined ? theme.colors.muted : theme.colors[`tier${tier}`];
}
