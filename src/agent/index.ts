export * from './approvals.js';
export * from './escalation.js';
export * from './headless.js';
export * from './loop.js';
export * from './permissions.js';
export * from './sessions.js';
export * from './system-prompt.js';
export * from './task.js';
export * from './test-summary.js';
export * from './tool-calls.js';
export * from './verify.js';
export * from './workspace.js';
export * from './workspace-changes.js';
export { capText, HeadTailBuffer } from './output.js';
export {
  killAllProcessGroups,
  liveProcessGroups,
  runProcess,
  type ProcessResult,
} from './process.js';
export * from './sandbox.js';
export * from './tools/index.js';
