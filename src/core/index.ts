export * from './errors.js';
export * from './message.js';
export * from './model-ref.js';
export * from './provider.js';
export * from './stream.js';
export * from './task.js';
export * from './tier.js';
export * from './usage.js';
