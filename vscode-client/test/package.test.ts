// package.json as VS Code, vsce and vscode-languageclient read it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import pkg from '../package.json';

const ROOT = path.resolve(__dirname, '..', '..');
const floor = (range: string) => range.replace(/^[\^~>=\s]+/, '').split('.').map(Number);
const cmp = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || (a[2] ?? 0) - (b[2] ?? 0);

test('engines.vscode is at least vscode-languageclient\'s floor', () => {
  const lc = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/vscode-languageclient/package.json'), 'utf8'));
  assert.ok(cmp(floor(pkg.engines.vscode), floor(lc.engines.vscode)) >= 0, `${pkg.engines.vscode} < client's ${lc.engines.vscode}`);
});

test('@types/vscode is not newer than engines.vscode (vsce refuses to package otherwise)', () => {
  assert.ok(cmp(floor(pkg.devDependencies['@types/vscode']), floor(pkg.engines.vscode)) <= 0);
});

test("languages reuse vscode-go's ids, each with a grammar and a language configuration", () => {
  const ids = pkg.contributes.languages.map((l) => l.id);
  assert.deepEqual(ids, ['go.mod', 'go.work', 'go.sum']);
  for (const lang of pkg.contributes.languages) {
    const conf = JSON.parse(fs.readFileSync(path.join(ROOT, lang.configuration), 'utf8'));
    assert.ok(conf, lang.id);
    assert.ok(pkg.activationEvents.includes(`onLanguage:${lang.id}`), lang.id);
    const grammar = pkg.contributes.grammars.find((g) => g.language === lang.id);
    assert.ok(grammar && fs.existsSync(path.join(ROOT, grammar.path)), `grammar for ${lang.id}`);
    const scope = JSON.parse(fs.readFileSync(path.join(ROOT, grammar.path), 'utf8')).scopeName;
    assert.equal(scope, grammar.scopeName);
  }
});

test('language configuration: comments, brackets, folding', () => {
  const conf = JSON.parse(fs.readFileSync(path.join(ROOT, 'language-configuration/go.mod.json'), 'utf8'));
  assert.equal(conf.comments.lineComment, '//');
  assert.deepEqual(conf.brackets, [['(', ')'], ['[', ']']]);
  const start = new RegExp(conf.folding.markers.start);
  const end = new RegExp(conf.folding.markers.end);
  assert.ok(start.test('require ('));
  assert.ok(start.test('replace ( // local copies'));
  assert.ok(!start.test('require example.com/x v1.0.0'));
  assert.ok(end.test(')'));
});

test('every command is registered by the extension', () => {
  const src = fs.readFileSync(path.join(ROOT, 'src/extension.ts'), 'utf8') + fs.readFileSync(path.join(ROOT, 'src/serverCommands.ts'), 'utf8');
  for (const { command } of pkg.contributes.commands) assert.ok(src.includes(`'${command}'`), command);
});
