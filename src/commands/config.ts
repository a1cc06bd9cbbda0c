import { KirikaeError } from '../core/errors.js';
import {
  configFile,
  getAtPath,
  getConfigValue,
  loadConfig,
  parseCliValue,
  setConfigValue,
} from '../config/index.js';
import type { CommandIO } from './io.js';

export interface ConfigArgs {
  action: string;
  key?: string;
  value?: string;
  json?: boolean;
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

export async function runConfig(args: ConfigArgs, io: CommandIO): Promise<number> {
  switch (args.action) {
    case 'path':
      io.stdout.write(`${configFile(io.env)}\n`);
      return 0;
    case 'get': {
      if (!args.key) {
        const loaded = loadConfig(io.env);
        for (const problem of loaded.problems) io.stderr.write(`kirikae: ${problem}\n`);
        io.stdout.write(`${JSON.stringify(loaded.config, null, 2)}\n`);
        return loaded.problems.length ? 1 : 0;
      }
      io.stdout.write(`${show(getConfigValue(args.key, io.env))}\n`);
      return 0;
    }
    case 'set': {
      if (!args.key || args.value === undefined) {
        throw new KirikaeError('config', 'config set needs a key and a value', {
          hint: 'Example: kirikae config set budget.monthlyUsd 300',
        });
      }
      const config = setConfigValue(args.key, parseCliValue(args.value), io.env);
      io.stdout.write(`${args.key} = ${show(getAtPath(config, args.key))}\n`);
      return 0;
    }
    default:
      throw new KirikaeError('config', `Unknown config action "${args.action}"`, {
        hint: 'Use: kirikae config path | get [key] | set <key> <value>',
      });
  }
}
