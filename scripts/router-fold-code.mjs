// What the router figures' checkpoint state means is decided by these files' code
// (src/ledger/router-figures.ts): a digest of them keys the checkpoint, so a build with other
// fold code reads the ledger again instead of a state it would misread.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROUTER_FOLD_SOURCES = [
  'src/ledger/router-figures.ts',
  'src/ledger/spend.ts',
  'src/router/calibration.ts',
  'src/router/history-folds.ts',
  'src/router/learn.ts',
  'src/router/priors.ts',
  'src/router/table.ts',
];

/** 16 hex digits of the SHA-256 of those files, read from the project at `root`. */
export function routerFoldDigest(root = '.') {
  const hash = createHash('sha256');
  for (const file of ROUTER_FOLD_SOURCES) hash.update(readFileSync(join(root, file)));
  return hash.digest('hex').slice(0, 16);
}
