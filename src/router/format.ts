// The router's reasons and cards print units with the one formatter per unit.
export { percent, seconds, tokens, usd } from '../present/units.js';
