export * from './prices.js';
export * from './models.js';
export * from './price-curve.js';
export * from './retirements.js';
export { catalogOverride, CATALOG_OVERRIDES, type CatalogOverride } from './overrides.js';
