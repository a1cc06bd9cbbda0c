export * from './memory-snapshot.js';
export * from './darwin-parse.js';
export { gpuWiredLimit, parseMacosMajor } from './gpu-limit.js';
export { readDarwinMemory } from './darwin.js';
export * from './linux.js';
export * from './memory.js';
export * from './sampler.js';
export * from './power.js';
export * from './tok-rate.js';
