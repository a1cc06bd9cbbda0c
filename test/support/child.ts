import { spawn, type ChildProcess } from 'node:child_process';

/*
 * A second kirikae process for concurrency tests: a TypeScript script run with tsx, its stdin
 * a pipe (so several children can be started together) and its stdout read for markers.
 */

/** Starts `script` with `args`; the child is added to `children` for the test's clean-up. */
export function startChild(script: string, args: readonly string[], children: ChildProcess[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  return child;
}

/** Resolves once the child has printed `word`; rejects if it exits first. */
export function waitFor(child: ChildProcess, word: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(word)) {
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before "${word}"`)));
  });
}
