import type { AppController } from '../../session/types.js';

export interface SlashCommand {
  name: string;
  description: string;
  usage?: string;
  run(args: string, controller: AppController): void;
}
