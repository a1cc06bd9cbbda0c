import type { AppController } from '../../session/types.js';
import { auto } from './auto.js';
import { budget } from './budget.js';
import { cache } from './cache.js';
import { clear } from './clear.js';
import { costs } from './costs.js';
import { done } from './done.js';
import { help } from './help.js';
import { model } from './model.js';
import { models } from './models.js';
import { newTask } from './new.js';
import { pull } from './pull.js';
import { quit } from './quit.js';
import { route } from './route.js';
import { theme } from './theme.js';
import { tier } from './tier.js';
import type { SlashCommand } from './types.js';

export type { SlashCommand } from './types.js';

export const COMMANDS: readonly SlashCommand[] = [
  help,
  model,
  tier,
  auto,
  route,
  models,
  pull,
  costs,
  newTask,
  done,
  clear,
  theme,
  budget,
  cache,
  quit,
];

/** Commands whose name starts with what was typed after `/`. */
export function completeCommand(typed: string): SlashCommand[] {
  const word = typed.replace(/^\//, '').split(/\s/)[0]!.toLowerCase();
  return COMMANDS.filter((c) => c.name.startsWith(word));
}

/** `/name …`; a prompt that starts with a path (`/usr/bin/env: …`) is not a command. */
export function isSlashCommand(text: string): boolean {
  return /^\/[a-z][\w-]*(\s|$)/i.test(text.trim());
}

/** Runs `/name args`; an unknown name gets the closest suggestions. */
export function runSlashCommand(text: string, app: AppController): void {
  const trimmed = text.trim();
  const [head, ...rest] = trimmed.slice(1).split(/\s+/);
  const name = (head ?? '').toLowerCase();
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const near = completeCommand(name.slice(0, 2)).map((c) => `/${c.name}`);
    app.notify(
      'error',
      `Unknown command /${name}.${near.length ? ` Did you mean ${near.join(', ')}?` : ''} /help lists them.`,
    );
    return;
  }
  command.run(trimmed.slice(1 + (head ?? '').length).trim() || rest.join(' '), app);
}
