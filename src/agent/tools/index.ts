import { bashTool } from './bash.js';
import { editFileTool } from './edit-file.js';
import { grepTool } from './grep.js';
import { listFilesTool } from './list-files.js';
import { readFileTool } from './read-file.js';
import type { Tool } from './types.js';
import { writeFileTool } from './write-file.js';

export * from './types.js';
export { bashTool } from './bash.js';
export { editFileTool, replaceExactlyOnce } from './edit-file.js';
export { createGrepTool, grepTool } from './grep.js';
export { listFilesTool } from './list-files.js';
export { readFileTool } from './read-file.js';
export { writeFileTool } from './write-file.js';

/** Every tool a coding turn gets. */
export const DEFAULT_TOOLS: readonly Tool[] = [
  readFileTool,
  listFilesTool,
  grepTool,
  editFileTool,
  writeFileTool,
  bashTool,
];

/** Only the tools that cannot change anything (read-only mode, review turns). */
export const READ_ONLY_TOOLS: readonly Tool[] = DEFAULT_TOOLS.filter((t) => t.access === 'read');
