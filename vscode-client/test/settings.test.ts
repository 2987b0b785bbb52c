import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import pkg from '../package.json';
import { CLIENT_ONLY_PREFIXES, configurationFor, forTrust, serverSettingKeys, serverSettings } from '../src/settings';

describe('server settings', () => {
  test('come from package.json, without the client-only ones', () => {
    const keys = serverSettingKeys(pkg);
    // Every setting the server documents (docs/settings.md), no more, no less.
    const doc = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'docs', 'settings.md'), 'utf8');
    const documented = [...doc.matchAll(/^\| `gomodls\.([A-Za-z.]+)` \|/gm)].map((m) => m[1]);
    assert.ok(documented.length >= 4, 'settings.md lists the settings');
    assert.deepEqual(keys.sort(), documented.sort());
    for (const k of keys) assert.ok(!CLIENT_ONLY_PREFIXES.some((p) => k.startsWith(p)), k);
  });

  test('a new contributed setting is a server setting with no code change', () => {
    const more = {
      contributes: {
        configuration: {
          properties: { ...pkg.contributes.configuration.properties, 'gomodls.hover.maxVersions': { type: 'number', default: 5 } },
        },
      },
    };
    assert.ok(serverSettingKeys(more).includes('hover.maxVersions'));
  });

  test('accepts a list of configuration blocks', () => {
    const keys = serverSettingKeys({
      contributes: { configuration: [{ properties: { 'gomodls.a': {} } }, { properties: { 'gomodls.server.x': {}, 'other.b': {} } }] },
    });
    assert.deepEqual(keys, ['a']);
  });

  test('are nested by their dots, defaults included, undefined left out', () => {
    const values: Record<string, unknown> = {
      logLevel: 'debug',
      'diagnostics.disabled': ['noncanonical-version'],
      'diagnostics.severity': { 'unused-replace': 'hint' },
      env: { GOPROXY: 'off' },
    };
    const out = serverSettings([...Object.keys(values), 'missing.key'], (k) => values[k]);
    assert.deepEqual(out, {
      logLevel: 'debug',
      diagnostics: { disabled: ['noncanonical-version'], severity: { 'unused-replace': 'hint' } },
      env: { GOPROXY: 'off' },
    });
  });

  test('values are copied to plain JSON', () => {
    const proxy = new Proxy({ A: 'b' }, {});
    const out = serverSettings(['env'], () => proxy);
    assert.deepEqual(out, { env: { A: 'b' } });
    assert.notEqual(out.env, proxy);
  });
});

describe('workspace/configuration answers', () => {
  const settings = { logLevel: 'info', diagnostics: { disabled: [], severity: {} }, env: {} };
  test('the gomodls section is the server settings only', () => {
    assert.deepEqual(configurationFor('gomodls', settings), settings);
  });
  test('a sub-section', () => {
    assert.deepEqual(configurationFor('gomodls.diagnostics', settings), settings.diagnostics);
    assert.equal(configurationFor('gomodls.nothing.here', settings), null);
  });
  test('no section: everything, under gomodls', () => {
    assert.deepEqual(configurationFor(undefined, settings), { gomodls: settings });
  });
  test('another section is left to the default handler', () => {
    assert.equal(configurationFor('go', settings), undefined);
    assert.equal(configurationFor('gomodlsx', settings), undefined);
  });
});

describe('workspace trust', () => {
  test('an untrusted workspace never lets the server run go', () => {
    const settings = { logLevel: 'info', go: { allowRun: true }, env: { GOPROXY: 'off' } };
    assert.deepEqual(forTrust(settings, false), { logLevel: 'info', go: { allowRun: false }, env: { GOPROXY: 'off' } });
    assert.deepEqual(forTrust({}, false), { go: { allowRun: false } });
    assert.equal(forTrust(settings, true), settings);
  });

  test('package.json declares limited support and restricts the settings that choose programs', () => {
    const trust = pkg.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited');
    for (const key of ['gomodls.server.path', 'gomodls.server.pythonPath', 'gomodls.env', 'gomodls.go.allowRun']) {
      assert.ok(trust.restrictedConfigurations.includes(key), key);
    }
    const props = pkg.contributes.configuration.properties as Record<string, { scope?: string }>;
    assert.equal(props['gomodls.server.path'].scope, 'machine');
    assert.equal(props['gomodls.server.pythonPath'].scope, 'machine');
  });
});
