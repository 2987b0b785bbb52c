// The server's log (its stderr) into the output channel with each record's own level. The
// language client's default tags every stderr line [error]; the server writes one record per
// line as `2026-12-07 12:00:00,123 LEVEL logger: message` (gomodls/cli.py, cmd_serve), continued
// by the lines of a traceback. No 'vscode' import: unit-tested in plain node.
import * as readline from 'node:readline';
import type { Readable } from 'node:stream';

/** The levels of a LogOutputChannel that the server's records map to. */
export interface LevelSink {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type Level = keyof LevelSink;

// One record's first line: Python's default asctime, the level name, the rest. (tests/lsp/
// test_serve.py reads this pattern from here and matches the real server's stderr with it.)
export const RECORD = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) (.*)$/;

const LEVELS: Record<string, Level> = { DEBUG: 'debug', INFO: 'info', WARNING: 'warn', ERROR: 'error', CRITICAL: 'error' };

/** Sorts the lines of the server's stderr by level, one line at a time. */
export class ServerLogLines {
  // Lines before any record (an interpreter that cannot start gomodls, a crash) are errors.
  private current: Level = 'error';

  /** The level and the text (without the server's timestamp: the channel adds its own). */
  line(text: string): [Level, string] {
    const m = RECORD.exec(text);
    if (!m) return [this.current, text]; // a continuation line: a traceback, a multi-line message
    this.current = LEVELS[m[1]];
    return [this.current, m[2]];
  }
}

/** Calls `each` with every line of `input`. */
export function pipeLines(input: Readable, each: (line: string) => void): void {
  readline.createInterface({ input, crlfDelay: Infinity, terminal: false, historySize: 0 }).on('line', each);
}

/** stdioOptions.stderr of the language client: each line to the channel at its level. */
export function pipeServerLog(input: Readable, channel: LevelSink): void {
  const lines = new ServerLogLines();
  pipeLines(input, (text) => {
    const [level, message] = lines.line(text);
    channel[level](message);
  });
}
