import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pkg from '../package.json';
import { argumentsFor, type CommandTransport, FORWARDED, isUnknownCommandError, runServerCommand } from '../src/serverCommands';
import { statusView } from '../src/status';

function transport(announced: string[] | undefined, execute: CommandTransport['execute'] = async () => null): CommandTransport & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return { calls, announced: () => announced, execute: async (c, a) => { calls.push([c, a]); return execute(c, a); } };
}

describe('forwarded server commands', () => {
  test('sent when the server announces them', async () => {
    const t = transport(['gomodls.tidy', 'gomodls.vendor']);
    const r = await runServerCommand(t, 'gomodls.runTidy', argumentsFor('/ws/go.mod'));
    assert.equal(r.kind, 'done');
    assert.deepEqual(t.calls, [['gomodls.tidy', ['/ws/go.mod']]]);
  });

  test('not announced: a clear message, nothing sent', async () => {
    const t = transport(['gomodls.vendor']);
    const r = await runServerCommand(t, 'gomodls.runCheckUpgrades', ['/ws/go.mod']);
    assert.equal(r.kind, 'unavailable');
    assert.match((r as { message: string }).message, /no "gomodls\.checkUpgrades" command yet/);
    assert.equal(t.calls.length, 0);
  });

  test('server not running', async () => {
    const r = await runServerCommand(transport(undefined), 'gomodls.runTidy', []);
    assert.equal(r.kind, 'unavailable');
  });

  test("pygls's unknown-command error is 'unavailable', other errors 'failed'", async () => {
    const unknown = Object.assign(new Error("Command name 'gomodls.tidy' is not defined"), { code: -32602 });
    let r = await runServerCommand(transport(['gomodls.tidy'], async () => { throw unknown; }), 'gomodls.runTidy', []);
    assert.equal(r.kind, 'unavailable');
    r = await runServerCommand(transport(['gomodls.tidy'], async () => { throw new Error('go: no go.mod'); }), 'gomodls.runTidy', []);
    assert.deepEqual(r, { kind: 'failed', message: 'Tidy failed: go: no go.mod' });
    assert.ok(isUnknownCommandError({ code: -32601, message: 'x' }));
  });

  test('every forwarded command is contributed, and no contributed id collides with a server command', () => {
    const contributed = pkg.contributes.commands.map((c) => c.command);
    for (const [id, { server }] of Object.entries(FORWARDED)) {
      assert.ok(contributed.includes(id), id);
      assert.ok(!contributed.includes(server as string), `${server} is the server's: the client must not register it`);
    }
  });
});

describe('status item', () => {
  test('states', () => {
    assert.match(statusView('running', { version: '0.1.0' }).tooltip, /gomodls 0\.1\.0 is running/);
    assert.equal(statusView('starting').text, '$(sync~spin) gomodls');
    assert.ok(statusView('failed', { problem: 'exit 1' }).error);
    assert.match(statusView('notFound').text, /not installed/);
  });
});
