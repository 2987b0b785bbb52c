// Writes the TextMate grammars for go.mod, go.work and go.sum (syntaxes/*.tmLanguage.json) from the
// rules below: go.mod and go.work share their directives, so they are written once here.
//   node syntaxes/generate.mjs          write the JSON files
//   node syntaxes/generate.mjs --check  exit 1 if the JSON files are not what this writes
//
// Token shapes follow golang.org/x/mod/modfile's lexer: a token is a quoted string ("..." or `...`)
// or a run of characters other than space, quotes, ( ) [ ] and comma, and never starts "//".
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BQ = '`';
const WORD = String.raw`(?:(?!//)[^\s"${BQ}()\[\],])+`;
const TOKEN = String.raw`(?:"(?:[^"\\]|\\.)*"|${BQ}[^${BQ}]*${BQ}|${WORD})`;
// A replacement target that is a directory: ./x, ../x, . , .., /abs, C:\x (modfile.IsDirectoryPath).
const LOCAL = String.raw`(?:\.\.?(?:[/\\](?:${WORD})?)?|/(?!/)(?:${WORD})?|[A-Za-z]:[/\\](?:${WORD})?)(?=\s|$)`;
const START = String.raw`(?:^|\G)\s*`; // at the start of a block line, or right after the directive
const VERSION_SHAPE = String.raw`(?<![\w.-])v\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?(?![\w.+-])`;

function modLike(lang, verbs) {
  const s = (name) => `${name}.${lang}`;
  const args = {
    module: [{ match: `${START}(${TOKEN})`, captures: { 1: { name: s('entity.name.type.module') } } }],
    go: [{ match: `${START}(${TOKEN})`, captures: { 1: { name: s('constant.numeric.go-version') } } }],
    toolchain: [
      { match: `${START}(default)(?=\\s|$)`, captures: { 1: { name: s('constant.language.default') } } },
      { match: `${START}(${TOKEN})`, captures: { 1: { name: s('constant.numeric.toolchain') } } },
    ],
    godebug: [
      {
        match: String.raw`${START}((?:(?!//)[^\s=",])+)\s*(=)\s*((?:${WORD})?)`,
        captures: {
          1: { name: s('variable.other.property.godebug') },
          2: { name: s('keyword.operator.assignment') },
          3: { name: s('constant.other.godebug-value') },
        },
      },
    ],
    require: [
      {
        match: String.raw`${START}(${TOKEN})(?:\s+(${TOKEN}))?`,
        captures: { 1: { name: s('entity.name.type.module') }, 2: { name: s('constant.numeric.version') } },
      },
    ],
    exclude: [
      {
        match: String.raw`${START}(${TOKEN})(?:\s+(${TOKEN}))?`,
        captures: { 1: { name: s('entity.name.type.module') }, 2: { name: s('constant.numeric.version') } },
      },
    ],
    replace: [
      {
        match: String.raw`${START}(${TOKEN})(?:\s+(?!=>)(${TOKEN}))?\s*(=>)\s*(?:(${LOCAL})|(${TOKEN})(?:\s+(${TOKEN}))?)`,
        captures: {
          1: { name: s('entity.name.type.module') },
          2: { name: s('constant.numeric.version') },
          3: { name: s('keyword.operator.arrow') },
          4: { name: s('string.unquoted.path') },
          5: { name: s('entity.name.type.module') },
          6: { name: s('constant.numeric.version') },
        },
      },
      // While the line is being typed: at least the module path, the arrow and versions.
      { match: `${START}(${TOKEN})`, captures: { 1: { name: s('entity.name.type.module') } } },
      { match: '=>', name: s('keyword.operator.arrow') },
      { match: VERSION_SHAPE, name: s('constant.numeric.version') },
    ],
    retract: [
      { match: String.raw`\[`, name: s('punctuation.section.interval.begin') },
      { match: String.raw`\]`, name: s('punctuation.section.interval.end') },
      { match: ',', name: s('punctuation.separator.interval') },
      { match: `(${TOKEN})`, captures: { 1: { name: s('constant.numeric.version') } } },
    ],
    tool: [{ match: `${START}(${TOKEN})`, captures: { 1: { name: s('entity.name.type.tool') } } }],
    ignore: [{ match: `${START}(${TOKEN})`, captures: { 1: { name: s('string.unquoted.path') } } }],
    use: [{ match: `${START}(${TOKEN})`, captures: { 1: { name: s('string.unquoted.path') } } }],
  };
  const repository = {
    comments: {
      name: s('comment.line.double-slash'),
      begin: '//',
      beginCaptures: { 0: { name: s('punctuation.definition.comment') } },
      end: '$',
      patterns: [
        // x/mod: a require is indirect when its comment is "indirect" or starts with "indirect;".
        { match: String.raw`\G\s*(indirect)(?=\s*(?:;|$))`, captures: { 1: { name: s('keyword.other.indirect') } } },
        // A module deprecation: a comment paragraph starting "Deprecated:".
        { match: String.raw`\G\s*(Deprecated:)`, captures: { 1: { name: s('keyword.other.deprecated') } } },
      ],
    },
    strings: {
      patterns: [
        {
          name: s('string.quoted.double'),
          begin: '"',
          end: '"|$',
          patterns: [{ match: String.raw`\\.`, name: s('constant.character.escape') }],
        },
        { name: s('string.quoted.raw'), begin: BQ, end: BQ },
      ],
    },
  };
  const patterns = [{ include: '#comments' }];
  for (const verb of verbs) {
    repository[`${verb}-args`] = { patterns: args[verb] };
    repository[`${verb}-block`] = {
      name: s(`meta.block.${verb}`),
      begin: String.raw`^\s*(${verb})\s*(\()`,
      beginCaptures: { 1: { name: s(`keyword.other.directive.${verb}`) }, 2: { name: s('punctuation.section.block.begin') } },
      end: String.raw`\)`,
      endCaptures: { 0: { name: s('punctuation.section.block.end') } },
      patterns: [{ include: '#comments' }, { include: `#${verb}-args` }, { include: '#strings' }],
    };
    repository[`${verb}-line`] = {
      name: s(`meta.directive.${verb}`),
      begin: String.raw`^\s*(${verb})(?=\s|$)(?!\s*\()`,
      beginCaptures: { 1: { name: s(`keyword.other.directive.${verb}`) } },
      end: '$',
      patterns: [{ include: '#comments' }, { include: `#${verb}-args` }, { include: '#strings' }],
    };
    patterns.push({ include: `#${verb}-block` }, { include: `#${verb}-line` });
  }
  patterns.push({ include: '#strings' });
  const name = lang === 'gomod' ? 'go.mod' : 'go.work';
  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name,
    scopeName: `source.${lang}`,
    comment: `Generated by syntaxes/generate.mjs; edit that file, not this one.`,
    patterns,
    repository,
  };
}

function goSum() {
  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name: 'go.sum',
    scopeName: 'source.gosum',
    comment: 'Generated by syntaxes/generate.mjs; edit that file, not this one.',
    patterns: [
      {
        // module version[/go.mod] h1:base64hash
        match: String.raw`^\s*(\S+)\s+(\S+?)(/go\.mod)?\s+([A-Za-z0-9]+:)(\S*)\s*$`,
        captures: {
          1: { name: 'entity.name.type.module.gosum' },
          2: { name: 'constant.numeric.version.gosum' },
          3: { name: 'keyword.other.go-mod-suffix.gosum' },
          4: { name: 'keyword.other.hash-algorithm.gosum' },
          5: { name: 'string.unquoted.hash.gosum' },
        },
      },
      { match: String.raw`^\s*\S.*$`, name: 'invalid.illegal.malformed-line.gosum' },
    ],
  };
}

export const MOD_VERBS = ['module', 'go', 'toolchain', 'godebug', 'require', 'exclude', 'replace', 'retract', 'tool', 'ignore'];
export const WORK_VERBS = ['go', 'toolchain', 'godebug', 'use', 'replace'];

export function grammars() {
  return {
    'go.mod.tmLanguage.json': modLike('gomod', MOD_VERBS),
    'go.work.tmLanguage.json': modLike('gowork', WORK_VERBS),
    'go.sum.tmLanguage.json': goSum(),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, grammar] of Object.entries(grammars())) {
    const target = path.join(HERE, file);
    const text = JSON.stringify(grammar, null, 2) + '\n';
    if (check) {
      const have = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
      if (have !== text) {
        console.error(`${file} is out of date: run node syntaxes/generate.mjs`);
        stale++;
      }
    } else {
      fs.writeFileSync(target, text);
    }
  }
  process.exit(stale ? 1 : 0);
}
