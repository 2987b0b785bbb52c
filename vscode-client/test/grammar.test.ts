// The TextMate grammars, tokenized with the same engine VS Code uses (vscode-textmate + oniguruma).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const ROOT = path.resolve(__dirname, '..', '..');
let registry: textmate.Registry;

before(async () => {
  const wasm = fs.readFileSync(path.join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const files: Record<string, string> = {
    'source.gomod': 'go.mod.tmLanguage.json',
    'source.gowork': 'go.work.tmLanguage.json',
    'source.gosum': 'go.sum.tmLanguage.json',
  };
  registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) => {
      const file = files[scope];
      if (!file) return null;
      return textmate.parseRawGrammar(fs.readFileSync(path.join(ROOT, 'syntaxes', file), 'utf8'), file);
    },
  });
});

interface Tok {
  line: number;
  text: string;
  scopes: string[];
}

async function tokenize(scope: string, text: string): Promise<Tok[]> {
  const grammar = await registry.loadGrammar(scope);
  assert.ok(grammar, `grammar ${scope}`);
  const out: Tok[] = [];
  let stack = textmate.INITIAL;
  text.split('\n').forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) out.push({ line: i, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    stack = r.ruleStack;
  });
  return out;
}

/** The innermost scope of the token whose text is `text` (on `line` if given). */
function scopeOf(toks: Tok[], text: string, line?: number): string {
  const t = toks.find((x) => x.text === text && (line === undefined || x.line === line));
  assert.ok(t, `no token ${JSON.stringify(text)}${line === undefined ? '' : ` on line ${line}`}: ${JSON.stringify(toks.map((x) => x.text))}`);
  return t.scopes[t.scopes.length - 1];
}

function scopesOf(toks: Tok[], text: string, line?: number): string[] {
  const t = toks.find((x) => x.text === text && (line === undefined || x.line === line));
  assert.ok(t, `no token ${JSON.stringify(text)}`);
  return t.scopes;
}

const GO_MOD = `// Deprecated: use example.com/new instead.
module example.com/old

go 1.23.0

toolchain go1.24.2

godebug (
\tdefault=go1.21
\tpanicnil=1
)

godebug asynctimerchan=0

require example.com/single v1.2.3

require (
\tgolang.org/x/text v0.14.0 // indirect
\tgithub.com/google/go-cmp v0.6.0 // a note
\t"example.com/quoted" v1.0.0
)

exclude example.com/bad v1.0.1

replace (
\texample.com/a v1.0.0 => example.com/b v1.1.0
\texample.com/local => ../local
\texample.com/c => /abs/dir
)

replace example.com/d => example.com/e v0.0.0-20240102030405-abcdef123456

retract (
\tv1.0.0 // published too early
\t[v1.1.0, v1.2.0]
)

retract [v0.9.0, v0.9.5]

tool golang.org/x/tools/cmd/stringer

ignore ./node_modules

ignore (
\tdocs
)
`;

describe('go.mod grammar', () => {
  test('every directive is a keyword, single-line and in blocks', async () => {
    const toks = await tokenize('source.gomod', GO_MOD);
    for (const verb of ['module', 'go', 'toolchain', 'godebug', 'require', 'exclude', 'replace', 'retract', 'tool', 'ignore']) {
      const hits = toks.filter((t) => t.text === verb && t.scopes.at(-1) === `keyword.other.directive.${verb}.gomod`);
      assert.ok(hits.length > 0, `directive ${verb}`);
    }
    assert.equal(scopeOf(toks, 'godebug', 7), 'keyword.other.directive.godebug.gomod');
    assert.ok(scopesOf(toks, 'panicnil').includes('meta.block.godebug.gomod'));
  });

  test('module path and Deprecated comment', async () => {
    const toks = await tokenize('source.gomod', GO_MOD);
    assert.equal(scopeOf(toks, 'example.com/old'), 'entity.name.type.module.gomod');
    assert.equal(scopeOf(toks, 'Deprecated:'), 'keyword.other.deprecated.gomod');
    assert.ok(scopesOf(toks, 'Deprecated:').includes('comment.line.double-slash.gomod'));
  });

  test('go version, toolchain, godebug', async () => {
    const toks = await tokenize('source.gomod', GO_MOD);
    assert.equal(scopeOf(toks, '1.23.0'), 'constant.numeric.go-version.gomod');
    assert.equal(scopeOf(toks, 'go1.24.2'), 'constant.numeric.toolchain.gomod');
    assert.equal(scopeOf(toks, 'default'), 'variable.other.property.godebug.gomod');
    assert.equal(scopeOf(toks, 'go1.21'), 'constant.other.godebug-value.gomod');
    assert.equal(scopeOf(toks, 'asynctimerchan'), 'variable.other.property.godebug.gomod');
    assert.equal(scopeOf(toks, '='), 'keyword.operator.assignment.gomod');
  });

  test('require: path, version, // indirect', async () => {
    const toks = await tokenize('source.gomod', GO_MOD);
    assert.equal(scopeOf(toks, 'example.com/single'), 'entity.name.type.module.gomod');
    assert.equal(scopeOf(toks, 'v1.2.3'), 'constant.numeric.version.gomod');
    assert.equal(scopeOf(toks, 'golang.org/x/text'), 'entity.name.type.module.gomod');
    assert.equal(scopeOf(toks, 'v0.14.0'), 'constant.numeric.version.gomod');
    assert.equal(scopeOf(toks, 'indirect'), 'keyword.other.indirect.gomod');
    assert.equal(scopeOf(toks, '"example.com/quoted"'), 'entity.name.type.module.gomod');
    // an ordinary comment is not "indirect"
    assert.ok(!toks.some((t) => t.text.includes('a note') && t.scopes.includes('keyword.other.indirect.gomod')));
    assert.equal(scopeOf(toks, '(', 16), 'punctuation.section.block.begin.gomod');
  });

  test('exclude, replace with => to a module or a directory', async () => {
    const toks = await tokenize('source.gomod', GO_MOD);
    assert.equal(scopeOf(toks, 'example.com/bad'), 'entity.name.type.module.gomod');
    assert.equal(scopeOf(toks, 'v1.0.1'), 'constant.numeric.version.gomod');
    assert.equal(scopeOf(toks, 'example.com/a'), 'entity.name.type.module.gomod');
    assert.equal(scopeOf(toks, '=>'), 'keyword.operator.arrow.gomod');
    assert.equal(scopeOf(toks, 'example.com/b'), 'entity.name.type.module.gomod');
    assert.equal(scopeOf(toks, 'v1.1.0', 25), 'constant.numeric.version.gomod');
    assert.equal(scopeOf(toks, '../local'), 'string.unquoted.path.gomod');
    assert.equal(scopeOf(toks, '/abs/dir'), 'string.unquoted.path.gomod');
    assert.equal(scopeOf(toks, 'v0.0.0-20240102030405-abcdef123456'), 'constant.numeric.version.gomod');
  });

  test('retract versions and [low, high] intervals with rationale', async () => {
    const toks = await tokenize('source.gomod', GO_MOD);
    assert.equal(scopeOf(toks, 'v1.0.0', 33), 'constant.numeric.version.gomod');
    assert.equal(scopeOf(toks, '[', 34), 'punctuation.section.interval.begin.gomod');
    assert.equal(scopeOf(toks, 'v1.1.0', 34), 'constant.numeric.version.gomod');
    assert.equal(scopeOf(toks, ',', 34), 'punctuation.separator.interval.gomod');
    assert.equal(scopeOf(toks, 'v1.2.0', 34), 'constant.numeric.version.gomod');
    assert.equal(scopeOf(toks, ']', 34), 'punctuation.section.interval.end.gomod');
    assert.equal(scopeOf(toks, 'v0.9.5'), 'constant.numeric.version.gomod');
    assert.ok(scopesOf(toks, ' published too early').includes('comment.line.double-slash.gomod'));
  });

  test('tool and ignore', async () => {
    const toks = await tokenize('source.gomod', GO_MOD);
    assert.equal(scopeOf(toks, 'golang.org/x/tools/cmd/stringer'), 'entity.name.type.tool.gomod');
    assert.equal(scopeOf(toks, './node_modules'), 'string.unquoted.path.gomod');
    assert.equal(scopeOf(toks, 'docs'), 'string.unquoted.path.gomod');
  });

  test('a replace being typed still shows its parts', async () => {
    const toks = await tokenize('source.gomod', 'replace example.com/x v1.0.0 =>');
    assert.equal(scopeOf(toks, 'example.com/x'), 'entity.name.type.module.gomod');
    assert.equal(scopeOf(toks, '=>'), 'keyword.operator.arrow.gomod');
  });

  test('a directive name inside a word is not a keyword', async () => {
    const toks = await tokenize('source.gomod', 'gopher 1\nrequirements x');
    assert.ok(!toks.some((t) => t.scopes.some((s) => s.startsWith('keyword.other.directive'))));
  });
});

describe('go.work grammar', () => {
  test('use, replace, go, toolchain, godebug', async () => {
    const toks = await tokenize(
      'source.gowork',
      'go 1.23\n\ntoolchain go1.24.0\n\ngodebug default=go1.21\n\nuse (\n\t./app\n\t../lib // shared\n)\n\nuse ./tools\n\nreplace example.com/x => ./x\n',
    );
    assert.equal(scopeOf(toks, 'use', 6), 'keyword.other.directive.use.gowork');
    assert.equal(scopeOf(toks, './app'), 'string.unquoted.path.gowork');
    assert.equal(scopeOf(toks, '../lib'), 'string.unquoted.path.gowork');
    assert.equal(scopeOf(toks, './tools'), 'string.unquoted.path.gowork');
    assert.equal(scopeOf(toks, '1.23'), 'constant.numeric.go-version.gowork');
    assert.equal(scopeOf(toks, 'go1.24.0'), 'constant.numeric.toolchain.gowork');
    assert.equal(scopeOf(toks, 'example.com/x'), 'entity.name.type.module.gowork');
    assert.equal(scopeOf(toks, './x'), 'string.unquoted.path.gowork');
    assert.equal(scopeOf(toks, 'default'), 'variable.other.property.godebug.gowork');
  });

  test('go.mod-only directives are not keywords in go.work', async () => {
    const toks = await tokenize('source.gowork', 'require example.com/x v1.0.0\n');
    assert.ok(!toks.some((t) => t.scopes.some((s) => s.startsWith('keyword.other.directive'))));
  });
});

describe('go.sum grammar', () => {
  test('module, version, /go.mod suffix, h1: hash', async () => {
    const toks = await tokenize(
      'source.gosum',
      'golang.org/x/text v0.14.0 h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=\ngolang.org/x/text v0.14.0/go.mod h1:18ZOQIKpY8NJVqYksKHtTdi31H5itFRjB5/qKTNYzSU=\nbroken line\n',
    );
    assert.equal(scopeOf(toks, 'golang.org/x/text', 0), 'entity.name.type.module.gosum');
    assert.equal(scopeOf(toks, 'v0.14.0', 0), 'constant.numeric.version.gosum');
    assert.equal(scopeOf(toks, 'v0.14.0', 1), 'constant.numeric.version.gosum');
    assert.equal(scopeOf(toks, '/go.mod', 1), 'keyword.other.go-mod-suffix.gosum');
    assert.equal(scopeOf(toks, 'h1:', 0), 'keyword.other.hash-algorithm.gosum');
    assert.equal(scopeOf(toks, 'ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ='), 'string.unquoted.hash.gosum');
    assert.equal(scopeOf(toks, 'broken line'), 'invalid.illegal.malformed-line.gosum');
  });
});

test('the grammars are what syntaxes/generate.mjs writes', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, [path.join(ROOT, 'syntaxes', 'generate.mjs'), '--check'], { stdio: 'pipe' });
});
