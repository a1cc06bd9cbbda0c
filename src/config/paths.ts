import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = NodeJS.ProcessEnv;

/** Config folder: KIRIKAE_CONFIG_DIR, else the OS convention. */
export function configDir(env: Env = process.env, platform = process.platform): string {
  if (env.KIRIKAE_CONFIG_DIR) return env.KIRIKAE_CONFIG_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Preferences', 'kirikae');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'kirikae');
}

/** Data folder for the ledger and transcripts: KIRIKAE_DATA_DIR, else the OS convention. */
export function dataDir(env: Env = process.env, platform = process.platform): string {
  if (env.KIRIKAE_DATA_DIR) return env.KIRIKAE_DATA_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'kirikae');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'kirikae');
}

export function configFile(env: Env = process.env, platform = process.platform): string {
  return join(configDir(env, platform), 'config.json');
}
