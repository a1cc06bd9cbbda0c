// `--configs solo:opus,delegate:opus+local`: each configuration a trial compares, with model
// aliases resolved through the configured tiers (src/delegate/models.ts).
import type { Config } from '../config/schema.js';
import { KirikaeError } from '../core/errors.js';
import { resolveAlias } from '../delegate/models.js';

export interface TrialConfig {
  /** As typed: `delegate:opus+local`. */
  label: string;
  /** The solo model, or the planner of a delegated run (`provider/model`). */
  model: string;
  executor?: string;
}

export function parseConfigs(spec: string, config: Config): TrialConfig[] {
  const labels = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!labels.length) throw new KirikaeError('config', '--configs names no configuration');
  return labels.map((label) => {
    const [mode, models = ''] = label.split(':', 2) as [string, string?];
    if (mode === 'solo' && models && !models.includes('+'))
      return { label, model: resolveAlias(models, config) };
    const [planner, executor] = models.split('+');
    if (mode === 'delegate' && planner && executor)
      return {
        label,
        model: resolveAlias(planner, config),
        executor: resolveAlias(executor, config),
      };
    throw new KirikaeError(
      'config',
      `"${label}" is not solo:<model> or delegate:<planner>+<executor>`,
    );
  });
}
