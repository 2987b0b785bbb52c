import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { expand, INSTALL_COMMAND, installAdvice, installCommandFor, isNotFound, locateServer, type ServerCommand, which } from '../src/locate';

const base = { serverPath: '', pythonPath: '', env: { PATH: '/usr/local/bin:/usr/bin' }, platform: 'linux' as const };
const only = (...files: string[]) => (f: string) => files.includes(f);

describe('locating the server', () => {
  test('gomodls.server.path wins', () => {
    const r = locateServer({ ...base, serverPath: '/opt/gomodls/bin/gomodls', pythonPath: '/usr/bin/python3', isExecutable: only('/opt/gomodls/bin/gomodls', '/usr/bin/python3', '/usr/bin/gomodls') });
    assert.deepEqual(r, { command: '/opt/gomodls/bin/gomodls', args: ['serve', '--stdio'], origin: 'gomodls.server.path' });
  });

  test('a server.path that is not executable is reported, not skipped', () => {
    const r = locateServer({ ...base, serverPath: '/nope/gomodls', isExecutable: only('/usr/bin/gomodls') });
    assert.ok(isNotFound(r));
    assert.match(r.message, /gomodls\.server\.path is set to "\/nope\/gomodls"/);
    assert.equal(r.install, 'pipx install .');
  });

  test('gomodls.server.pythonPath runs -m gomodls serve', () => {
    const r = locateServer({ ...base, pythonPath: '/venv/bin/python', isExecutable: only('/venv/bin/python', '/usr/bin/gomodls') }) as ServerCommand;
    assert.deepEqual(r, { command: '/venv/bin/python', args: ['-m', 'gomodls', 'serve', '--stdio'], origin: 'gomodls.server.pythonPath' });
  });

  test('a bare pythonPath is looked up on PATH', () => {
    const r = locateServer({ ...base, pythonPath: 'python3', isExecutable: only('/usr/bin/python3') }) as ServerCommand;
    assert.equal(r.command, '/usr/bin/python3');
  });

  test('${workspaceFolder} and ~ are expanded', () => {
    const r = locateServer({ ...base, pythonPath: '${workspaceFolder}/.venv/bin/python', workspaceFolder: '/ws', isExecutable: only('/ws/.venv/bin/python') }) as ServerCommand;
    assert.equal(r.command, '/ws/.venv/bin/python');
    assert.equal(expand('~/bin/gomodls'), path.join(os.homedir(), 'bin/gomodls'));
  });

  test('else gomodls on PATH, first match', () => {
    const r = locateServer({ ...base, isExecutable: only('/usr/bin/gomodls', '/usr/local/bin/gomodls') }) as ServerCommand;
    assert.deepEqual(r, { command: '/usr/local/bin/gomodls', args: ['serve', '--stdio'], origin: 'PATH' });
  });

  test('else a message with the install command', () => {
    const r = locateServer({ ...base, isExecutable: only() });
    assert.ok(isNotFound(r));
    assert.match(r.message, /not found/);
    assert.equal(r.install, 'pipx install .');
  });

  test('Windows: PATHEXT and ;', () => {
    const found = which('gomodls', { env: { Path: 'C:\\a;C:\\b', PATHEXT: '.EXE;.CMD' }, platform: 'win32' }, only(path.join('C:\\b', 'gomodls.EXE')));
    assert.equal(found, path.join('C:\\b', 'gomodls.EXE'));
  });

  test('install command for an interpreter', () => {
    assert.equal(installCommandFor('/venv/bin/python'), '/venv/bin/python -m pip install .');
    assert.equal(installCommandFor('/my venv/python'), '"/my venv/python" -m pip install .');
  });

  test('the notification says where the install command runs, and never names a package index', () => {
    const text = installAdvice('The gomodls language server was not found.', INSTALL_COMMAND);
    assert.match(text, /^gomodls: The gomodls language server was not found\. Install it from a clone of the gomodls repository: in the clone's directory, run pipx install \. /);
    assert.match(text, /git\+/);
    assert.doesNotMatch(text, /pip install gomodls/);
  });

  test('real files: this node is executable, a directory is not', () => {
    const r = locateServer({ ...base, serverPath: process.execPath });
    assert.ok(!isNotFound(r));
    assert.ok(isNotFound(locateServer({ ...base, serverPath: os.tmpdir() })));
  });
});
