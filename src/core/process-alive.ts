/** Whether a process still runs (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  // 0 and negative numbers name process groups (kill(0) signals our own): never a process.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
