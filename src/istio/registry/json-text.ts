// JSON.parse with a position a learner can find: on malformed input, a RegistryFormatError that
// names the line and column (1-based) of the first offending character, found by a small scanner
// because V8's messages do not always carry an offset. Nesting deeper than MAX_JSON_DEPTH is
// refused first: V8's JSON.parse reads any depth, but the recursive readers after it (the scanner
// here, JSON.stringify in the webview's postMessage) overflow the stack on 100,000 levels.
import { MAX_JSON_DEPTH } from '../../shared/registry-messages';

export type RegistryFormatProblem = 'malformed-json' | 'too-deep' | 'unexpected-shape';

/** The registry body is not what the endpoint should answer. */
export class RegistryFormatError extends Error {
  readonly problem: RegistryFormatProblem;
  readonly line?: number;
  readonly column?: number;
  /** The offending line, for the message. */
  readonly excerpt?: string;

  constructor(
    problem: RegistryFormatProblem,
    message: string,
    position?: { line: number; column: number; excerpt: string },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RegistryFormatError';
    this.problem = problem;
    this.line = position?.line;
    this.column = position?.column;
    this.excerpt = position?.excerpt;
  }
}

/** Offset of the first character that makes `text` invalid JSON (text.length when it ends too early). */
export function firstJsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const literal = (word: string): void => {
    for (const char of word) {
      if (text[i] !== char) fail();
      i++;
    }
  };
  const string = (): void => {
    i++;
    while (i < text.length) {
      const char = text[i];
      if (char === '"') {
        i++;
        return;
      }
      if (char < ' ') fail();
      if (char === '\\') {
        i++;
        if (text[i] === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) {
              i += k;
              fail();
            }
          }
          i += 5;
        } else if ('"\\/bfnrt'.includes(text[i] ?? '') && i < text.length) i++;
        else fail();
      } else i++;
    }
    fail();
  };
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match || match[0] === '-' || match[0].length === 0) fail();
    i += match![0].length;
  };
  /** The members of an object or array after its opening bracket, up to `close`, comma-separated. */
  const members = (close: string, member: () => void): void => {
    i++;
    space();
    if (text[i] === close) return void i++;
    for (;;) {
      member();
      space();
      if (text[i] === ',') i++;
      else if (text[i] === close) return void i++;
      else fail();
    }
  };
  const property = (): void => {
    space();
    if (text[i] !== '"') fail();
    string();
    space();
    if (text[i] !== ':') fail();
    i++;
    value();
  };
  const value = (): void => {
    space();
    const char = text[i];
    if (char === '{') return members('}', property);
    if (char === '[') return members(']', value);
    if (char === '"') return string();
    if (char === 't') return literal('true');
    if (char === 'f') return literal('false');
    if (char === 'n') return literal('null');
    if (char === '-' || (char >= '0' && char <= '9')) return number();
    fail();
  };
  try {
    value();
    space();
    if (i < text.length) fail();
  } catch (offset) {
    if (typeof offset === 'number') return Math.min(offset, text.length);
    throw offset;
  }
  return -1;
}

/** 1-based line and column of an offset, and the text of that line (cut to 120 characters around it). */
export function positionOf(text: string, offset: number): { line: number; column: number; excerpt: string } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset; k++) {
    if (text.charCodeAt(k) === 10) {
      line++;
      lineStart = k + 1;
    }
  }
  const lineEnd = text.indexOf('\n', lineStart);
  const whole = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
  const column = offset - lineStart + 1;
  const from = Math.max(0, column - 60);
  return { line, column, excerpt: whole.slice(from, from + 120) };
}

/**
 * Offset of the first `[` or `{` (outside strings) that opens nesting level `max + 1`, or -1.
 * One pass, no recursion, and meaningful on malformed text too.
 */
export function tooDeepOffset(text: string, max = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      if (++depth > max) return i;
    } else if (char === 0x5d || char === 0x7d) depth--;
  }
  return -1;
}

/**
 * Parses JSON, or throws a RegistryFormatError: 'too-deep' past MAX_JSON_DEPTH levels,
 * 'malformed-json' otherwise, each with the line and column.
 */
export function parseJsonText(text: string): unknown {
  const deep = tooDeepOffset(text);
  if (deep >= 0) {
    const position = positionOf(text, deep);
    throw new RegistryFormatError(
      'too-deep',
      `The JSON nests deeper than ${MAX_JSON_DEPTH} levels at line ${position.line}, column ${position.column}.`,
      position,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const offset = firstJsonErrorOffset(text);
    const position = positionOf(text, offset < 0 ? 0 : offset);
    const what =
      text.trim().length === 0
        ? 'The answer is empty'
        : offset >= text.length
          ? 'The JSON ends early'
          : 'The JSON is malformed';
    throw new RegistryFormatError(
      'malformed-json',
      `${what} at line ${position.line}, column ${position.column}.`,
      position,
      { cause: error },
    );
  }
}
