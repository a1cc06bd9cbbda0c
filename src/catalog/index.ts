export * from './prices.js';
export * from './models.js';
