// Plugs the models, pull and costs screens into the App: each renderer is given the port it
// talks to, so the App itself never knows about Ollama or the ledger.
import { createElement } from 'react';
import type { ScreenPorts } from '../../session/ports/screen-ports.js';
import type { ScreenRenderers } from '../app.js';
import { CostsScreen } from './costs.js';
import { ModelsScreen } from './models.js';
import { PullScreen } from './pull.js';

export function createScreenRenderers(
  ports: Pick<ScreenPorts, 'models' | 'pull' | 'costs'>,
): ScreenRenderers {
  return {
    models: ({ width, active }) =>
      createElement(ModelsScreen, { ports: ports.models, width, active }),
    pull: ({ width, active }) => createElement(PullScreen, { port: ports.pull, width, active }),
    costs: ({ width, active, rows }) =>
      createElement(CostsScreen, { port: ports.costs, width, active, ...(rows ? { rows } : {}) }),
  };
}

export { CostsScreen, ModelsScreen, PullScreen };
