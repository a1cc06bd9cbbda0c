// A throwaway home for one tmux run of the real binary: a project folder with a README, a
// config folder with the given config.json, a data folder, and the env that points kirikae at
// them and at the stub servers (no CI in it: Ink draws every frame, as in a terminal).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TerminalBox {
  root: string;
  project: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
}

export function terminalBox(config: unknown, stubEnv: Record<string, string>): TerminalBox {
  const root = mkdtempSync(join(tmpdir(), 'kirikae-e2e-'));
  const project = join(root, 'project');
  const configDir = join(root, 'config');
  const dataDir = join(root, 'data');
  mkdirSync(project);
  mkdirSync(configDir);
  writeFileSync(join(project, 'README.md'), '# demo\n');
  writeFileSync(join(configDir, 'config.json'), JSON.stringify(config));
  return {
    root,
    project,
    dataDir,
    env: {
      PATH: process.env.PATH,
      HOME: root,
      TERM: 'xterm-256color',
      KIRIKAE_CONFIG_DIR: configDir,
      KIRIKAE_DATA_DIR: dataDir,
      ...stubEnv,
    },
  };
}
