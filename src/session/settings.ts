import type { ConfigStore } from '../config/config-store.js';
import type { RoutingRule } from '../config/schema.js';
import { upsertRule } from '../router/table.js';
import { usd } from '../present/units.js';
import type { SessionStore } from './store.js';

export interface SettingResult {
  level: 'info' | 'warn' | 'error';
  text: string;
}

/** Theme, budget and saved routing rules: changed through the config store, never in place. */
export class Settings {
  constructor(
    private readonly store: ConfigStore,
    view?: SessionStore,
  ) {
    // The screen follows every change, whoever made it.
    store.subscribe((c) =>
      view?.set({
        themeName: c.ui.theme,
        status: { ...view.getState().status, budgetUsd: c.budget.monthlyUsd },
      }),
    );
  }

  setTheme(name: string): SettingResult {
    const problem = this.store.set(['ui', 'theme'], name);
    return problem
      ? { level: 'warn', text: `Theme ${name} for this session; could not save it: ${problem}` }
      : { level: 'info', text: `Theme ${name} (saved)` };
  }

  setBudget(monthlyUsd: number): SettingResult {
    const problem = this.store.set(['budget', 'monthlyUsd'], monthlyUsd);
    return problem
      ? { level: 'warn', text: `Budget set for this session; could not save it: ${problem}` }
      : { level: 'info', text: `Monthly budget ${usd(monthlyUsd)} (saved)` };
  }

  setSemanticCache(on: boolean): SettingResult {
    const problem = this.store.set(['cache', 'semantic', 'enabled'], on);
    const what = on
      ? 'Semantic cache on: a question asked again in the same context is answered for $0'
      : 'Semantic cache off';
    return problem
      ? { level: 'warn', text: `${what} for this session; could not save it: ${problem}` }
      : { level: 'info', text: `${what} (saved)` };
  }

  /** Saves a route-card rule; returns why it could not be saved, if it could not. */
  saveRule(rule: RoutingRule): string | undefined {
    const rules = upsertRule(this.store.get().routing.rules, rule);
    return this.store.set(['routing', 'rules'], rules);
  }
}
