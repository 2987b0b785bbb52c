// The extension's commands that forward to server commands (workspace/executeCommand).
// No 'vscode' import: unit-tested in plain node.

/** Extension command id -> server command id and a short name for messages. */
export const FORWARDED = {
  'gomodls.runCheckUpgrades': { server: 'gomodls.checkUpgrades', what: 'Check for module upgrades' },
  'gomodls.runTidy': { server: 'gomodls.tidy', what: 'Tidy' },
} as const;

export type ForwardedCommand = keyof typeof FORWARDED;

export interface CommandTransport {
  /** The commands the server announced (executeCommandProvider.commands), if it is running. */
  announced(): readonly string[] | undefined;
  /** Sends workspace/executeCommand. */
  execute(command: string, args: unknown[]): Promise<unknown>;
}

export type Outcome =
  | { kind: 'done'; result: unknown }
  | { kind: 'unavailable'; message: string }
  | { kind: 'failed'; message: string };

const JSONRPC_METHOD_NOT_FOUND = -32601;

/**
 * Arguments for a server command, from the file it is run on: the path of the go.mod (or go.work),
 * as the server's other file commands take it (gomodls.vendor takes a go.mod path).
 */
export function argumentsFor(fsPath: string): unknown[] {
  return [fsPath];
}

export async function runServerCommand(transport: CommandTransport, id: ForwardedCommand, args: unknown[]): Promise<Outcome> {
  const { server, what } = FORWARDED[id];
  const announced = transport.announced();
  if (announced === undefined) {
    return { kind: 'unavailable', message: `${what}: the gomodls server is not running.` };
  }
  if (!announced.includes(server)) {
    return { kind: 'unavailable', message: notProvided(what, server) };
  }
  try {
    return { kind: 'done', result: await transport.execute(server, args) };
  } catch (e) {
    if (isUnknownCommandError(e)) return { kind: 'unavailable', message: notProvided(what, server) };
    return { kind: 'failed', message: `${what} failed: ${errorMessage(e)}` };
  }
}

function notProvided(what: string, server: string): string {
  return `${what}: this version of the gomodls server has no "${server}" command yet. Update it: in an up-to-date clone of the gomodls repository, run pipx install --force . (or python3 -m pip install .)`;
}

export function isUnknownCommandError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  if (code === JSONRPC_METHOD_NOT_FOUND) return true;
  return /command (name )?'?[\w.]+'? (is )?not (defined|found)|unknown command/i.test(errorMessage(e));
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  const m = (e as { message?: unknown })?.message;
  return typeof m === 'string' ? m : String(e);
}
