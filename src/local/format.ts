const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/**
 * Sizes in binary units, as macOS reports memory (a "128 GB" Mac has 128 GiB); config values in
 * GB (memoryBudgetGb, reserveGb) are read the same way so 96 of 128 is exactly three quarters.
 */
export function formatBytes(bytes: number, digits = 1): string {
  if (bytes === 0) return '0 GiB';
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(digits)} GiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(digits === 1 ? 0 : digits)} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}

export const gibToBytes = (gib: number): number => Math.round(gib * GiB);
