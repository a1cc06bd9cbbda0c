import type { PatternNeeds } from './literal-filter.js';

/**
 * The cue prefilter's needs (literal-filter.ts), worked out for every cue at build time
 * (scripts/build.mjs) and carried by the bundles: parsing the 140 patterns at every start was
 * ~15 ms of a cold `kirikae route`, more than the regexes the filter then spares. Each entry
 * names its pattern, so an entry that does not match the cue at its place is worked out again.
 * Undefined when running from source.
 */
declare const __CUE_NEEDS__: readonly PatternNeeds[] | undefined;

export function builtCueNeeds(): readonly PatternNeeds[] | undefined {
  return typeof __CUE_NEEDS__ === 'object' ? __CUE_NEEDS__ : undefined;
}
