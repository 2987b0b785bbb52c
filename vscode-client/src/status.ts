// What the status item says. No 'vscode' import: unit-tested in plain node.

export type ServerState = 'starting' | 'running' | 'stopped' | 'failed' | 'notFound';

export interface StatusView {
  text: string; // with $(codicon) syntax
  tooltip: string;
  error: boolean; // shown with the error background
}

export function statusView(state: ServerState, detail: { version?: string; command?: string; problem?: string } = {}): StatusView {
  const where = detail.command ? `\n${detail.command}` : '';
  const version = detail.version ? ` ${detail.version}` : '';
  switch (state) {
    case 'starting':
      return { text: '$(sync~spin) gomodls', tooltip: `gomodls is starting${where}\nClick to show the log`, error: false };
    case 'running':
      return { text: '$(check) gomodls', tooltip: `gomodls${version} is running${where}\nClick to show the log`, error: false };
    case 'stopped':
      return { text: '$(debug-stop) gomodls', tooltip: `gomodls is stopped${where}\nClick to show the log`, error: false };
    case 'failed':
      return {
        text: '$(error) gomodls',
        tooltip: `gomodls failed${detail.problem ? ': ' + detail.problem : ''}${where}\nClick to show the log`,
        error: true,
      };
    case 'notFound':
      return {
        text: '$(warning) gomodls: not installed',
        tooltip: `${detail.problem ?? 'The gomodls server was not found.'}\nClick to show the log`,
        error: true,
      };
  }
}
