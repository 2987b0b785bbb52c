import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { type Level, type LevelSink, pipeServerLog, ServerLogLines } from '../src/serverLog';

function recorder(): { sink: LevelSink; seen: [Level, string][] } {
  const seen: [Level, string][] = [];
  const sink = {
    debug: (m: string) => seen.push(['debug', m]),
    info: (m: string) => seen.push(['info', m]),
    warn: (m: string) => seen.push(['warn', m]),
    error: (m: string) => seen.push(['error', m]),
  };
  return { sink, seen };
}

describe('the server log in the output channel', () => {
  test('each record at its own level, without the server timestamp', () => {
    const lines = new ServerLogLines();
    assert.deepEqual(lines.line('2026-12-07 12:00:00,123 INFO gomodls: client Visual Studio Code 1.100.0'), ['info', 'gomodls: client Visual Studio Code 1.100.0']);
    assert.deepEqual(lines.line('2026-12-07 12:00:00,124 DEBUG gomodls: settings: Settings(...)'), ['debug', 'gomodls: settings: Settings(...)']);
    assert.deepEqual(lines.line('2026-12-07 12:00:01,000 WARNING pygls.protocol.json_rpc: ignoring x'), ['warn', 'pygls.protocol.json_rpc: ignoring x']);
    assert.deepEqual(lines.line('2026-12-07 12:00:02,000 ERROR gomodls: on_hover failed'), ['error', 'gomodls: on_hover failed']);
    assert.deepEqual(lines.line('2026-12-07 12:00:02,000 CRITICAL gomodls: out of memory'), ['error', 'gomodls: out of memory']);
  });

  test("a traceback's lines keep the level of their record", () => {
    const lines = new ServerLogLines();
    lines.line('2026-12-07 12:00:00,000 INFO gomodls: go command: go 1.27.3 at /usr/bin/go');
    assert.deepEqual(lines.line('\tsecond line of a message'), ['info', '\tsecond line of a message']);
    lines.line('2026-12-07 12:00:02,000 ERROR gomodls: on_completion failed');
    assert.deepEqual(lines.line('Traceback (most recent call last):'), ['error', 'Traceback (most recent call last):']);
    assert.deepEqual(lines.line('ValueError: boom'), ['error', 'ValueError: boom']);
  });

  test('lines before any record are errors (an interpreter that cannot start the server)', () => {
    assert.deepEqual(new ServerLogLines().line("/usr/bin/python3: No module named gomodls"), ['error', '/usr/bin/python3: No module named gomodls']);
  });

  test('a stream, line by line, into the channel', async () => {
    const input = new PassThrough();
    const { sink, seen } = recorder();
    pipeServerLog(input, sink);
    input.write('2026-12-07 12:00:00,000 INFO gomodls: client x\r\n2026-12-07 12:00:00,001 WARN');
    input.end('ING gomodls: a module proxy failed\nTraceback (most recent call last):\n');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, [
      ['info', 'gomodls: client x'],
      ['warn', 'gomodls: a module proxy failed'],
      ['warn', 'Traceback (most recent call last):'],
    ]);
  });
});
