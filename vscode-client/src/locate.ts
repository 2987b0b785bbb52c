// Finding the server to run. No 'vscode' import: unit-tested in plain node.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// gomodls is on no package index (`pip install gomodls` finds nothing): it installs from a clone
// of its repository, in the clone's directory.
export const INSTALL_COMMAND = 'pipx install .';

export interface LocateOptions {
  serverPath: string; // gomodls.server.path
  pythonPath: string; // gomodls.server.pythonPath
  workspaceFolder?: string; // for ${workspaceFolder}
  env: NodeJS.ProcessEnv; // PATH (and PATHEXT on Windows)
  platform: NodeJS.Platform;
  isExecutable?: (file: string) => boolean;
}

export interface ServerCommand {
  command: string;
  args: string[];
  /** How it was found, for the log and the status item's tooltip. */
  origin: 'gomodls.server.path' | 'gomodls.server.pythonPath' | 'PATH';
}

export interface NotFound {
  /** One sentence saying what was looked for and what to do. */
  message: string;
  /** The command the user can run to install the server. */
  install: string;
}

export type Located = ServerCommand | NotFound;

export function isNotFound(x: Located): x is NotFound {
  return (x as NotFound).install !== undefined;
}

// `serve` talks stdio by default; `--stdio` is said explicitly (the client does not add it, because
// the transport is left unset: vscode-languageclient would otherwise append its own `--stdio`).
export const SERVE_ARGS = ['serve', '--stdio'];

export function locateServer(opts: LocateOptions): Located {
  const isExec = opts.isExecutable ?? defaultIsExecutable;
  const serverPath = expand(opts.serverPath.trim(), opts.workspaceFolder);
  if (serverPath) {
    if (isExec(serverPath)) return { command: serverPath, args: SERVE_ARGS, origin: 'gomodls.server.path' };
    return {
      message: `gomodls.server.path is set to "${serverPath}", which is not an executable file.`,
      install: INSTALL_COMMAND,
    };
  }
  const pythonPath = expand(opts.pythonPath.trim(), opts.workspaceFolder);
  if (pythonPath) {
    const python = pythonPath.includes(path.sep) || pythonPath.includes('/') ? pythonPath : which(pythonPath, opts, isExec);
    if (python && isExec(python)) {
      return { command: python, args: ['-m', 'gomodls', ...SERVE_ARGS], origin: 'gomodls.server.pythonPath' };
    }
    return {
      message: `gomodls.server.pythonPath is set to "${pythonPath}", which is not an executable file.`,
      install: INSTALL_COMMAND,
    };
  }
  const onPath = which('gomodls', opts, isExec);
  if (onPath) return { command: onPath, args: SERVE_ARGS, origin: 'PATH' };
  return {
    message:
      'The gomodls language server was not found: no gomodls.server.path or gomodls.server.pythonPath ' +
      'setting, and no gomodls on PATH.',
    install: INSTALL_COMMAND,
  };
}

/** The install command for a given interpreter, when it lacks the gomodls module (run in a clone). */
export function installCommandFor(python: string): string {
  return `${/\s/.test(python) ? `"${python}"` : python} -m pip install .`;
}

/** The notification's text: what is wrong, and where to run the install command. */
export function installAdvice(message: string, install: string): string {
  return (
    `gomodls: ${message} Install it from a clone of the gomodls repository: in the clone's directory, run ${install} ` +
    '(pip and pipx also take the repository URL prefixed with git+).'
  );
}

export function expand(p: string, workspaceFolder?: string): string {
  if (!p) return p;
  let out = p;
  if (workspaceFolder) out = out.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
  if (out === '~') return os.homedir();
  if (out.startsWith('~/') || out.startsWith('~\\')) out = path.join(os.homedir(), out.slice(2));
  return out;
}

export function which(name: string, opts: Pick<LocateOptions, 'env' | 'platform'>, isExec = defaultIsExecutable): string | undefined {
  const sep = opts.platform === 'win32' ? ';' : ':';
  const exts = opts.platform === 'win32' ? (opts.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').concat(['']) : [''];
  const dirs = (opts.env.PATH ?? opts.env.Path ?? '').split(sep).filter(Boolean);
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExec(candidate)) return candidate;
    }
  }
  return undefined;
}

function defaultIsExecutable(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return false;
    if (process.platform === 'win32') return true;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
