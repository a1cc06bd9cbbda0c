export * from './schema.js';
export * from './paths.js';
export * from './store.js';
export { describeIssues } from './errors.js';
