// The month report: one streaming builder and the pieces its rows are made of.
export * from './totals.js';
export * from './task-costs.js';
export * from './projection.js';
export * from './report-types.js';
export * from './report-builder.js';
