import { readDarwinMemory } from './darwin.js';
import { readLinuxMemory } from './linux.js';
import type { MemorySnapshot } from './memory-snapshot.js';

/** One memory reading for this machine (darwin: vm_stat/sysctl; linux: /proc/meminfo; elsewhere: systeminformation). */
export function readMemory(platform: NodeJS.Platform = process.platform): Promise<MemorySnapshot> {
  return platform === 'darwin' ? readDarwinMemory() : readLinuxMemory();
}
