export * from './store.js';
export * from './budget.js';
export * from './reports.js';
export * from './whatif.js';
export * from './screen.js';
export * from './month.js';
export * from './history.js';
export * from './spend.js';
export * from './format.js';
export { makePricer, type Pricer } from './pricer.js';
export { checkRecord } from './schema.js';
export { decodeLines, encodeRecord } from './codec.js';
export {
  isMonth,
  monthOfTs,
  dayOfTs,
  monthOfDate,
  dayOfDate,
  daysInMonth,
  monthDays,
  addMonths,
  isoWeek,
} from './time.js';
