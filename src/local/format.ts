// Sizes print with the one bytes formatter (binary units, labelled GiB).
export { bytes as formatBytes } from '../present/units.js';

const GiB = 1024 ** 3;

/** Config values in GB (memoryBudgetGb, reserveGb) are read as GiB, as macOS reports memory. */
export const gibToBytes = (gib: number): number => Math.round(gib * GiB);
