/**
 * An OS sandbox for the bash tool, where the OS has one: bubblewrap (`bwrap`) on Linux when it
 * is installed, `sandbox-exec` on macOS. Inside it a command can read what the user can, but
 * write only to the workspace and the temp folder, and (bwrap) nothing it starts outlives it.
 * Permission rules match text, a weak boundary; this one is the kernel's.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { PermissionMode } from '../config/schema.js';

export type SandboxSetting = 'auto' | 'off' | 'on';
export type SandboxKind = 'bwrap' | 'sandbox-exec';

export interface SandboxPlan {
  kind: SandboxKind;
  /** The sandbox program. */
  binary: string;
}

/** The sandbox this machine offers, if any. */
export function findSandbox(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): SandboxPlan | undefined {
  const executable = (path: string): boolean => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (platform === 'darwin') {
    return executable('/usr/bin/sandbox-exec')
      ? { kind: 'sandbox-exec', binary: '/usr/bin/sandbox-exec' }
      : undefined;
  }
  if (platform !== 'linux') return undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, 'bwrap'))) return { kind: 'bwrap', binary: join(dir, 'bwrap') };
  }
  return undefined;
}

export interface SandboxChoice {
  plan?: SandboxPlan;
  /** Set when bash must not run at all: the user asked for a sandbox this machine lacks. */
  refuse?: string;
}

/**
 * `auto` sandboxes the modes where commands run without a person reading each one
 * (accept-edits after an "allow for this session", auto); in `ask` mode the person is the
 * check. `on` sandboxes every mode and refuses to run bash where no sandbox exists.
 */
export function chooseSandbox(
  setting: SandboxSetting,
  mode: PermissionMode,
  available: SandboxPlan | undefined,
): SandboxChoice {
  if (setting === 'off') return {};
  if (setting === 'on') {
    return available
      ? { plan: available }
      : {
          refuse:
            'agent.sandbox is "on" but no sandbox is available (install bubblewrap on Linux; macOS has sandbox-exec); commands are not run',
        };
  }
  return mode === 'ask' || mode === 'read-only' ? {} : available ? { plan: available } : {};
}

export interface SandboxedCommand {
  file: string;
  args: string[];
}

/** A path as a string literal of the SBPL (Scheme) profile language. */
function sbplString(path: string): string {
  return `"${path.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The sandbox-exec profile: everything allowed but writing, which only the listed folders get. */
export function macProfile(writable: readonly string[]): string {
  const paths = writable.map((p) => `(subpath ${sbplString(p)})`).join(' ');
  return [
    '(version 1)',
    '(allow default)',
    '(deny file-write*)',
    `(allow file-write* ${paths} (literal "/dev/null") (literal "/dev/dtracehelper") (regex #"^/dev/tty"))`,
  ].join('\n');
}

/**
 * The argv that runs `shell -c command` inside the sandbox, with `writable` (the workspace and
 * the temp folder) the only places it may write.
 */
export function sandboxCommand(
  plan: SandboxPlan,
  options: {
    shell: string;
    command: string;
    cwd: string;
    writable: readonly string[];
    /** Where local services listen (localServiceSockets): hidden inside the sandbox. */
    services?: LocalServices;
  },
): SandboxedCommand {
  const inner = [options.shell, '-c', options.command];
  if (plan.kind === 'sandbox-exec') {
    return { file: plan.binary, args: ['-p', macProfile(options.writable), ...inner] };
  }
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc'];
  // A read-only file system still lets a command connect to a socket on it: the session bus
  // (`systemd-run --user …`), docker.sock. Those services would run what the sandbox forbids.
  // Mounts apply in order: the service folders are hidden after the writable binds (a runtime
  // folder under a writable /tmp stays hidden), and a writable path inside a hidden folder
  // (TMPDIR under XDG_RUNTIME_DIR) and the kept sockets are bound again after.
  const services = options.services ?? { folders: [], sockets: [], keep: [] };
  const within = (path: string, folder: string): boolean =>
    path === folder || path.startsWith(`${folder}/`);
  for (const path of options.writable) args.push('--bind', path, path);
  for (const folder of services.folders) args.push('--tmpfs', folder);
  for (const socket of services.sockets) args.push('--ro-bind', '/dev/null', socket);
  for (const path of options.writable) {
    if (services.folders.some((folder) => within(path, folder))) args.push('--bind', path, path);
  }
  for (const path of services.keep) args.push('--bind', path, path);
  args.push(
    // Its own PID namespace, tied to us: when the group is killed, everything in it dies,
    // even children that called setsid.
    '--unshare-pid',
    '--die-with-parent',
    '--chdir',
    options.cwd,
    '--',
    ...inner,
  );
  return { file: plan.binary, args };
}

/** Local services' sockets a sandboxed command must not reach, and the ones it keeps. */
export interface LocalServices {
  /** Folders of sockets hidden under an empty tmpfs (the user's runtime folder). */
  folders: string[];
  /** Socket files masked by /dev/null (docker's, podman's). */
  sockets: string[];
  /** Sockets inside a hidden folder that stay reachable: the SSH agent, so git over ssh works. */
  keep: string[];
}

const SERVICE_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock', '/run/podman/podman.sock'];

/**
 * What a sandboxed command must not reach on this machine (read at the edge, when a command
 * runs): the user's runtime folder (XDG_RUNTIME_DIR, else /run/user/<uid>: the session bus,
 * systemd's user manager, keyrings, podman's user socket) and the container engines' sockets.
 */
export function localServiceSockets(
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string, kind: 'folder' | 'socket') => boolean = defaultExists,
  uid: number | undefined = process.getuid?.(),
): LocalServices {
  const runtime = env.XDG_RUNTIME_DIR || (uid === undefined ? undefined : `/run/user/${uid}`);
  const folders = runtime && exists(runtime, 'folder') ? [runtime] : [];
  const sockets = SERVICE_SOCKETS.filter((path) => exists(path, 'socket'));
  const agent = env.SSH_AUTH_SOCK;
  const keep =
    agent && folders.some((f) => agent.startsWith(`${f}/`)) && exists(agent, 'socket')
      ? [agent]
      : [];
  return { folders, sockets, keep };
}

function defaultExists(path: string, kind: 'folder' | 'socket'): boolean {
  try {
    const info = statSync(path);
    return kind === 'folder' ? info.isDirectory() : info.isSocket();
  } catch {
    return false;
  }
}
