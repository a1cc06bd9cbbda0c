import type { AppController } from '../../app/types.js';

export interface SlashCommand {
  name: string;
  description: string;
  usage?: string;
  run(args: string, controller: AppController): void;
}
