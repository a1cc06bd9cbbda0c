import type { SlashCommand } from './types.js';

export const budget: SlashCommand = {
  name: 'budget',
  description: 'show or set the monthly budget in USD',
  usage: '/budget [usd]',
  run: (args, app) => {
    const value = args.trim().replace(/^\$/, '');
    if (!value) {
      const { status } = app.getState();
      return app.notify(
        'info',
        `Month spend $${status.monthUsd.toFixed(2)} of $${status.budgetUsd.toFixed(2)}`,
      );
    }
    const usd = Number(value);
    if (!Number.isFinite(usd) || usd < 0)
      return app.notify('error', `"${value}" is not an amount in USD`);
    app.setBudget(usd);
  },
};
