import { usd } from '../../present/units.js';
import type { SlashCommand } from './types.js';

export const budget: SlashCommand = {
  name: 'budget',
  description: 'show or set the monthly budget in USD',
  usage: '/budget [usd]',
  run: (args, app) => {
    const value = args.trim().replace(/^\$/, '');
    if (!value) {
      const { status } = app.getState();
      // The one money formatter: toFixed(2) showed $0.0036 spent as $0.00.
      return app.notify('info', `Month spend ${usd(status.monthUsd)} of ${usd(status.budgetUsd)}`);
    }
    const amount = Number(value);
    if (!Number.isFinite(amount) || amount < 0)
      return app.notify('error', `"${value}" is not an amount in USD`);
    app.setBudget(amount);
  },
};
