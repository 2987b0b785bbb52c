// The VS Code side of gomodls: starts the server, passes the settings, shows its state.
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { type DuplicateMode, filterOurs } from './duplicates';
import { installAdvice, installCommandFor, isNotFound, locateServer, type ServerCommand } from './locate';
import { argumentsFor, FORWARDED, type ForwardedCommand, runServerCommand } from './serverCommands';
import { pipeLines, pipeServerLog } from './serverLog';
import { configurationFor, forTrust, SECTION, serverSettingKeys, serverSettings } from './settings';
import { type ServerState, statusView } from './status';

const LANGUAGES = ['go.mod', 'go.work', 'go.sum'];
const GO_EXTENSION = 'golang.go';

let client: LanguageClient | undefined;
let located: ServerCommand | undefined;
let output: vscode.LogOutputChannel;
let status: vscode.StatusBarItem;
let settingKeys: string[] = [];
/** What the server last published per document, before filtering duplicates of gopls's. */
const published = new Map<string, vscode.Diagnostic[]>();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('gomodls', { log: true });
  settingKeys = serverSettingKeys(context.extension.packageJSON);
  status = vscode.window.createStatusBarItem('gomodls.status', vscode.StatusBarAlignment.Right, 100);
  status.name = 'gomodls';
  status.command = 'gomodls.showLog';
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand('gomodls.restartServer', () => restart()),
    vscode.commands.registerCommand('gomodls.showLog', () => output.show(true)),
    ...Object.keys(FORWARDED).map((id) =>
      vscode.commands.registerCommand(id, (uri?: vscode.Uri) => forward(id as ForwardedCommand, uri)),
    ),
    vscode.window.onDidChangeActiveTextEditor(updateStatusVisibility),
    vscode.workspace.onDidChangeConfiguration(onConfigurationChanged),
    // Trusting the workspace lifts the Restricted Mode settings: the server asks for them again.
    vscode.workspace.onDidGrantWorkspaceTrust(() => sendSettings()),
    vscode.languages.onDidChangeDiagnostics((e) => e.uris.forEach(refilter)),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}

function currentSettings(): Record<string, unknown> {
  const conf = vscode.workspace.getConfiguration(SECTION);
  return forTrust(serverSettings(settingKeys, (key) => conf.get(key)), vscode.workspace.isTrusted);
}

async function start(): Promise<void> {
  const conf = vscode.workspace.getConfiguration(SECTION);
  const found = locateServer({
    serverPath: conf.get<string>('server.path', ''),
    pythonPath: conf.get<string>('server.pythonPath', ''),
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    env: process.env,
    platform: process.platform,
  });
  if (isNotFound(found)) {
    output.info(`${found.message}`);
    setStatus('notFound', { problem: found.message });
    void offerInstall(found.message, found.install);
    return;
  }
  located = found;
  output.info(`starting ${found.command} ${found.args.join(' ')} (from ${found.origin})`);
  if (found.origin === 'gomodls.server.pythonPath' && !(await hasGomodls(found.command))) {
    const message = `The Python interpreter ${found.command} (gomodls.server.pythonPath) has no gomodls module.`;
    output.info(`${message}`);
    setStatus('notFound', { problem: message, command: found.command });
    void offerInstall(message, installCommandFor(found.command));
    return;
  }

  const serverOptions: ServerOptions = {
    command: found.command,
    args: found.args,
    options: { env: process.env },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...LANGUAGES.map((language) => ({ scheme: 'file', language })),
      { scheme: 'file', pattern: '**/{go.mod,go.work,go.sum,go.work.sum}' },
    ],
    outputChannel: output,
    // The server's log (stderr) with each record's level, not all [error] (src/serverLog.ts);
    // stdout as the client's default (the LSP itself, over stdio, never goes through this).
    stdioOptions: {
      stdout: (input, channel) => pipeLines(input, (line) => channel.info(line)),
      stderr: (input, channel) => pipeServerLog(input, channel),
    },
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: () => currentSettings(),
    middleware: {
      workspace: {
        // The server asks for the "gomodls" section: answer with its settings only (it reports
        // the client's own settings, such as gomodls.server.path, as unknown).
        configuration: async (params, token, next) => {
          const defaults = (await next(params, token)) as unknown[];
          if (!Array.isArray(defaults)) return defaults;
          const settings = currentSettings();
          return params.items.map((item, i) => {
            const ours = configurationFor(item.section, settings);
            return ours === undefined ? defaults[i] : ours;
          });
        },
      },
      handleDiagnostics: (uri, diagnostics, next) => {
        published.set(uri.toString(), diagnostics);
        next(uri, filtered(uri, diagnostics));
      },
    },
  };
  const c = new LanguageClient('gomodls', 'gomodls', serverOptions, clientOptions);
  client = c;
  c.onDidChangeState((e) => {
    if (client !== c) return;
    if (e.newState === State.Running) setStatus('running');
    else if (e.newState === State.Starting) setStatus('starting');
    else setStatus('stopped');
  });
  setStatus('starting');
  try {
    await c.start();
    const info = c.initializeResult?.serverInfo;
    output.info(`connected to ${info?.name ?? 'gomodls'} ${info?.version ?? ''}`.trimEnd());
    setStatus('running');
  } catch (e) {
    const problem = e instanceof Error ? e.message : String(e);
    output.info(`the server did not start: ${problem}`);
    setStatus('failed', { problem });
    const choice = await vscode.window.showErrorMessage(`gomodls: the language server did not start: ${problem}`, 'Show Log');
    if (choice) output.show(true);
  }
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  published.clear();
  if (!c) return;
  try {
    await c.stop(5000);
  } catch (e) {
    output.info(`stopping the server: ${e instanceof Error ? e.message : String(e)}`);
  }
  await c.dispose().catch(() => undefined);
}

async function restart(): Promise<void> {
  output.info('restarting the server');
  await stop();
  setStatus('stopped');
  await start();
}

function hasGomodls(python: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(python, ['-c', 'import gomodls'], { timeout: 15000 }, (err) => resolve(!err));
  });
}

async function offerInstall(message: string, install: string): Promise<void> {
  const copy = 'Copy Install Command';
  const settings = 'Open Settings';
  const choice = await vscode.window.showWarningMessage(installAdvice(message, install), copy, settings);
  if (choice === copy) await vscode.env.clipboard.writeText(install);
  else if (choice === settings) await vscode.commands.executeCommand('workbench.action.openSettings', 'gomodls.server');
}

// Status item: shown for go.mod/go.work/go.sum editors, opens the log.

let lastState: ServerState = 'stopped';

function setStatus(state: ServerState, detail: { problem?: string; command?: string } = {}): void {
  lastState = state;
  const view = statusView(state, {
    version: client?.initializeResult?.serverInfo?.version,
    command: detail.command ?? (located ? `${located.command} ${located.args.join(' ')}` : undefined),
    problem: detail.problem,
  });
  status.text = view.text;
  status.tooltip = view.tooltip;
  status.backgroundColor = view.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  updateStatusVisibility();
}

function updateStatusVisibility(): void {
  const lang = vscode.window.activeTextEditor?.document.languageId;
  if ((lang && LANGUAGES.includes(lang)) || lastState === 'failed' || lastState === 'notFound') status.show();
  else status.hide();
}

// Settings changes.

function onConfigurationChanged(e: vscode.ConfigurationChangeEvent): void {
  if (!e.affectsConfiguration(SECTION)) return;
  if (e.affectsConfiguration(`${SECTION}.server`)) {
    void restart();
    return;
  }
  if (e.affectsConfiguration(`${SECTION}.gopls`)) {
    for (const uri of published.keys()) refilter(vscode.Uri.parse(uri));
  }
  if (settingKeys.some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) sendSettings();
}

function sendSettings(): void {
  if (!client?.isRunning()) return;
  // The server answers by asking for the section (workspace/configuration), which the
  // middleware above answers; the settings are also in the notification for other servers.
  void client.sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: currentSettings() } });
}

// Duplicates of gopls's diagnostics.

function goplsActive(): boolean {
  const go = vscode.extensions.getExtension(GO_EXTENSION);
  return !!go?.isActive && vscode.workspace.getConfiguration('go').get<boolean>('useLanguageServer', true) !== false;
}

function filtered(uri: vscode.Uri, ours: vscode.Diagnostic[]): vscode.Diagnostic[] {
  const mode = vscode.workspace.getConfiguration(SECTION, uri).get<DuplicateMode>('gopls.duplicateDiagnostics', 'hideMatching');
  if (mode === 'show') return ours;
  const others = vscode.languages.getDiagnostics(uri).filter((d) => !ours.includes(d));
  return filterOurs(ours.map(plainDiag), others.map(plainDiag), mode, goplsActive()).map((d) => d.original);
}

function plainDiag(d: vscode.Diagnostic) {
  return {
    range: { start: d.range.start, end: d.range.end },
    message: d.message,
    source: d.source,
    code: typeof d.code === 'object' ? d.code.value : d.code,
    original: d,
  };
}

function refilter(uri: vscode.Uri): void {
  const ours = published.get(uri.toString());
  const collection = client?.diagnostics;
  if (!ours || !collection) return;
  const want = filtered(uri, ours);
  const have = collection.get(uri) ?? [];
  if (want.length === have.length && want.every((d, i) => d === have[i])) return;
  collection.set(uri, want);
}

// Commands forwarded to the server.

async function forward(id: ForwardedCommand, uri?: vscode.Uri): Promise<void> {
  const target = uri ?? (await pickModuleFile(id === 'gomodls.runTidy' ? ['go.mod'] : ['go.mod', 'go.work']));
  if (!target) return;
  const c = client;
  const outcome = await runServerCommand(
    {
      announced: () => (c?.isRunning() ? (c.initializeResult?.capabilities.executeCommandProvider?.commands ?? []) : undefined),
      execute: (command, args) => c!.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }),
    },
    id,
    argumentsFor(target.fsPath),
  );
  if (outcome.kind === 'unavailable') {
    output.info(`${outcome.message}`);
    void vscode.window.showWarningMessage(`gomodls: ${outcome.message}`);
  } else if (outcome.kind === 'failed') {
    output.info(`${outcome.message}`);
    const choice = await vscode.window.showErrorMessage(`gomodls: ${outcome.message}`, 'Show Log');
    if (choice) output.show(true);
  } else if (typeof outcome.result === 'string' && outcome.result) {
    void vscode.window.showInformationMessage(`gomodls: ${outcome.result}`);
  }
}

async function pickModuleFile(names: string[]): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  if (active && active.uri.scheme === 'file' && names.some((n) => active.uri.path.endsWith('/' + n))) return active.uri;
  const found = await vscode.workspace.findFiles(`**/{${names.join(',')}}`, '**/{node_modules,vendor,testdata}/**', 50);
  if (found.length === 0) {
    void vscode.window.showWarningMessage(`gomodls: no ${names.join(' or ')} file in this workspace.`);
    return undefined;
  }
  if (found.length === 1) return found[0];
  const pick = await vscode.window.showQuickPick(
    found.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
    { placeHolder: `Which ${names.join(' or ')}?` },
  );
  return pick?.uri;
}
