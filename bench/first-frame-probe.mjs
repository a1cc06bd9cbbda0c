// Preloaded (`node --import ./bench/first-frame-probe.mjs bin/kirikae.js`) by ui.bench.mjs: exits
// the moment the input box is first written, so a `--cpu-prof` profile covers the first frame and
// nothing after it. Prints the time since the process started and its CPU time to stderr.
import { performance } from 'node:perf_hooks';

const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  const written = write(chunk, ...rest);
  if (String(chunk).includes('Type a prompt')) {
    const cpu = process.cpuUsage();
    process.stderr.write(
      `first-frame ${performance.now().toFixed(1)} ${((cpu.user + cpu.system) / 1000).toFixed(1)}\n`,
    );
    process.exit(0);
  }
  return written;
};
