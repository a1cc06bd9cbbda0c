/** What a headless command writes to and reads from; tests pass their own. */
export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

let pipeWatched = false;

export function processIO(): CommandIO {
  if (!pipeWatched) {
    pipeWatched = true;
    // `kirikae route … | head -1`: the reader has what it wanted and closed the pipe. Writing
    // on is pointless, not an error worth a stack trace; every other error still throws.
    let closed = false;
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || (closed && error.code === 'ERR_STREAM_DESTROYED')) {
        closed = true;
        return;
      }
      throw error;
    });
  }
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}
