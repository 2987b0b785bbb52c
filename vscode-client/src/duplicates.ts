// Keeping gomodls's diagnostics from doubling gopls's. No 'vscode' import: unit-tested in plain node.
//
// gopls (the Go extension) reports go.mod/go.work parse errors itself (source "syntax"), and some
// go-command errors ("go list", "go mod tidy"). Their messages are the go command's, and so are
// ours, so the same problem at the same place reads the same: "hideMatching" hides ours then.
// "hideParseErrors" also hides our parse errors up front while the Go extension is active.

export type DuplicateMode = 'hideMatching' | 'hideParseErrors' | 'show';

export const OUR_SOURCE = 'gomodls';

/** Our codes for the go command's parse errors (modfile.Parse), which gopls reports too. */
export const PARSE_ERROR_CODES: ReadonlySet<string> = new Set([
  'syntax-error',
  'unknown-directive',
  'unknown-block-type',
  'repeated-statement',
  'invalid-module-path',
  'invalid-quoted-string',
  'invalid-replacement',
  'invalid-retract',
  'invalid-version',
  'invalid-go-version',
  'invalid-toolchain-version',
  'version-major-mismatch',
]);

export interface Pos {
  line: number;
  character: number;
}

export interface Diag {
  range: { start: Pos; end: Pos };
  message: string;
  source?: string;
  code?: string | number | { value: string | number; target?: unknown };
}

export function codeOf(d: Diag): string | undefined {
  const c = d.code;
  if (c === undefined || c === null) return undefined;
  return typeof c === 'object' ? String(c.value) : String(c);
}

/** Message without a leading `go.mod:3:5: ` position and the case/space differences. */
export function normalizeMessage(message: string): string {
  return message
    .replace(/^\s*(?:[^\s:]*go\.(?:mod|work|sum)):\d+(?::\d+)?:\s*/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

function linesOverlap(a: Diag, b: Diag): boolean {
  return a.range.start.line <= b.range.end.line && b.range.start.line <= a.range.end.line;
}

/** Is `ours` the same problem as `other` (another extension's diagnostic on the same file)? */
export function sameProblem(ours: Diag, other: Diag): boolean {
  if (!linesOverlap(ours, other)) return false;
  const a = normalizeMessage(ours.message);
  const b = normalizeMessage(other.message);
  if (!a || !b) return false;
  return a === b || a.endsWith(b) || b.endsWith(a);
}

/**
 * The diagnostics of ours to show, given the other extensions' diagnostics for the same file.
 * `goplsActive`: the Go extension is installed, active and runs gopls.
 */
export function filterOurs<T extends Diag>(ours: readonly T[], others: readonly Diag[], mode: DuplicateMode, goplsActive: boolean): T[] {
  if (mode === 'show') return [...ours];
  const foreign = others.filter((d) => d.source !== OUR_SOURCE);
  return ours.filter((d) => {
    if (mode === 'hideParseErrors' && goplsActive && PARSE_ERROR_CODES.has(codeOf(d) ?? '')) return false;
    return !foreign.some((o) => sameProblem(d, o));
  });
}
