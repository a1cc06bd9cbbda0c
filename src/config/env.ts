import { isThemeName } from '../core/theme-names.js';
import type { Config } from './schema.js';

/**
 * Environment variables that override the file for one run (scripts, CI): they never get
 * written back.
 */
export function applyEnvOverrides(config: Config, env: NodeJS.ProcessEnv): Config {
  const next = structuredClone(config);
  const budget = Number(env.KIRIKAE_BUDGET_USD);
  if (env.KIRIKAE_BUDGET_USD && Number.isFinite(budget) && budget >= 0) {
    next.budget.monthlyUsd = budget;
  }
  // An unknown name is left to the file's theme, as a bad budget is left to the file's budget.
  if (env.KIRIKAE_THEME && isThemeName(env.KIRIKAE_THEME)) next.ui.theme = env.KIRIKAE_THEME;
  return next;
}
