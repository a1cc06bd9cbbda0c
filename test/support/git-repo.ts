import { execFileSync } from 'node:child_process';

/** Makes `dir` a git repository with everything in it committed, as a project would be. */
export function commitAll(dir: string): void {
  const run = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  run('init', '-q');
  run('add', '.');
  run('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'start');
}
