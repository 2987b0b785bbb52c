import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { codeOf, type Diag, filterOurs, normalizeMessage, PARSE_ERROR_CODES, sameProblem } from '../src/duplicates';

const at = (line: number, c0: number, c1: number) => ({ start: { line, character: c0 }, end: { line, character: c1 } });
const ours = (line: number, message: string, code: string): Diag => ({ range: at(line, 0, 10), message, source: 'gomodls', code });
const gopls = (line: number, message: string, source = 'syntax'): Diag => ({ range: at(line, 2, 5), message, source });

describe('duplicates of gopls diagnostics', () => {
  const parse = ours(4, 'unknown directive: requir', 'unknown-directive');
  const other = ours(9, 'version "v0.14" is not canonical', 'noncanonical-version');

  test('messages compare without position prefix, case and spacing', () => {
    assert.equal(normalizeMessage('go.mod:5:1: unknown  directive: requir'), 'unknown directive: requir');
    assert.equal(normalizeMessage('/x/go.work:3: Foo'), 'foo');
    assert.ok(sameProblem(parse, gopls(4, 'go.mod:5:1: unknown directive: requir')));
    assert.ok(!sameProblem(parse, gopls(5, 'unknown directive: requir')), 'other line');
    assert.ok(!sameProblem(parse, gopls(4, 'something else')));
  });

  test('hideMatching drops ours only where another source says the same', () => {
    const shown = filterOurs([parse, other], [gopls(4, 'unknown directive: requir')], 'hideMatching', true);
    assert.deepEqual(shown, [other]);
    assert.deepEqual(filterOurs([parse, other], [], 'hideMatching', true), [parse, other]);
  });

  test('our own diagnostics never count as the other source', () => {
    assert.deepEqual(filterOurs([parse], [parse], 'hideMatching', true), [parse]);
  });

  test('hideParseErrors drops parse errors while gopls runs, keeps them otherwise', () => {
    assert.deepEqual(filterOurs([parse, other], [], 'hideParseErrors', true), [other]);
    assert.deepEqual(filterOurs([parse, other], [], 'hideParseErrors', false), [parse, other]);
  });

  test('show keeps everything', () => {
    assert.deepEqual(filterOurs([parse, other], [gopls(4, 'unknown directive: requir')], 'show', true), [parse, other]);
  });

  test('codes', () => {
    assert.equal(codeOf({ ...parse, code: { value: 'x' } }), 'x');
    assert.equal(codeOf({ ...parse, code: 3 }), '3');
    assert.equal(codeOf({ range: at(0, 0, 0), message: '' }), undefined);
    assert.ok(PARSE_ERROR_CODES.has('invalid-retract'));
    assert.ok(!PARSE_ERROR_CODES.has('noncanonical-version'));
  });
});
