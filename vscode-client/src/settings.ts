// Which settings go to the server, and in what shape. No 'vscode' import: unit-tested in plain node.
//
// Every `gomodls.*` property contributed in package.json is a server setting, except those under
// the client-only prefixes below. So a new server setting is one new entry in package.json's
// `contributes.configuration`; nothing here changes. (tests/editors/test_vscode_settings.py checks
// that package.json lists exactly the settings server/gomodls/lsp/config.py reads.)

export const SECTION = 'gomodls';

/** Settings the extension itself reads; never sent to the server (it reports unknown keys). */
export const CLIENT_ONLY_PREFIXES = ['server.', 'trace.', 'gopls.'];

export interface ContributedConfiguration {
  properties?: Record<string, unknown>;
}

export interface PackageJson {
  contributes?: { configuration?: ContributedConfiguration | ContributedConfiguration[] };
}

/** The keys (relative to `gomodls.`) of the server's settings, from package.json. */
export function serverSettingKeys(pkg: PackageJson): string[] {
  const conf = pkg.contributes?.configuration;
  const blocks = Array.isArray(conf) ? conf : conf ? [conf] : [];
  const keys: string[] = [];
  for (const block of blocks) {
    for (const full of Object.keys(block.properties ?? {})) {
      if (!full.startsWith(SECTION + '.')) continue;
      const key = full.slice(SECTION.length + 1);
      if (CLIENT_ONLY_PREFIXES.some((p) => key.startsWith(p))) continue;
      keys.push(key);
    }
  }
  return keys;
}

export type JsonObject = { [key: string]: unknown };

/**
 * The server's settings as one nested object (`diagnostics.disabled` -> {diagnostics: {disabled}}),
 * each value read with `get` (VS Code's merged default/user/workspace value).
 */
export function serverSettings(keys: readonly string[], get: (key: string) => unknown): JsonObject {
  const out: JsonObject = {};
  for (const key of keys) {
    const value = get(key);
    if (value === undefined) continue;
    const parts = key.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
      node = node[part] as JsonObject;
    }
    node[parts[parts.length - 1]] = plain(value);
  }
  return out;
}

/**
 * The settings as sent to the server in a workspace VS Code does not trust (Restricted Mode):
 * gomodls.go.allowRun is off whatever the settings say, so the server runs no program (not even
 * `go env` to learn the go version). VS Code itself already ignores the workspace's values of
 * the restricted settings (package.json `capabilities.untrustedWorkspaces`).
 */
export function forTrust(settings: JsonObject, trusted: boolean): JsonObject {
  if (trusted) return settings;
  const go = typeof settings.go === 'object' && settings.go !== null ? (settings.go as JsonObject) : {};
  return { ...settings, go: { ...go, allowRun: false } };
}

/** What to answer to a workspace/configuration item asking for `section` (undefined: everything). */
export function configurationFor(section: string | undefined, settings: JsonObject): unknown {
  if (!section) return { [SECTION]: settings };
  if (section === SECTION) return settings;
  if (!section.startsWith(SECTION + '.')) return undefined; // not ours: the default handler answers
  let node: unknown = settings;
  for (const part of section.slice(SECTION.length + 1).split('.')) {
    if (typeof node !== 'object' || node === null) return null;
    node = (node as JsonObject)[part];
  }
  return node ?? null;
}

/** VS Code hands out proxies for objects; the wire wants plain JSON. */
function plain(value: unknown): unknown {
  return value === null || typeof value !== 'object' ? value : JSON.parse(JSON.stringify(value));
}
