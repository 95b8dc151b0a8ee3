// Whether a request body is JSON as Go's encoding/json sees it, and if not the exact error it gives:
// the apiserver's decoders check the whole body with that scanner before decoding it, so a
// malformed or too deeply nested body is answered with these words (go/src/encoding/json/scanner.go).
// Working on the bytes, iteratively: a body nested 100,000 deep costs a loop, not a stack.

/** encoding/json's maxNestingDepth: objects and arrays open at once. */
export const MAX_NESTING_DEPTH = 10_000;

type Expect =
  | 'value'
  | 'value-or-close-array'
  | 'key-or-close-object'
  | 'key'
  | 'colon'
  | 'comma-or-close-object'
  | 'comma-or-close-array'
  | 'end';

const UNEXPECTED_END = 'unexpected end of JSON input';
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
const isHex = (c: number | undefined): boolean =>
  c !== undefined && (isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46));

/** A byte as encoding/json's quoteChar prints it: `'x'`, `'\n'`, `'\x01'`, `'\''`. */
export function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  const named: Record<number, string> = {
    0x07: '\\a',
    0x08: '\\b',
    0x0c: '\\f',
    0x0a: '\\n',
    0x0d: '\\r',
    0x09: '\\t',
    0x0b: '\\v',
    0x5c: '\\\\',
  };
  if (named[c]) return `'${named[c]}'`;
  const hex = c.toString(16).padStart(2, '0');
  if (c < 0x20 || c === 0x7f) return `'\\x${hex}'`;
  // A byte above 0x7f is quoted as the rune of the same number, as string(c) makes it.
  if ((c >= 0x80 && c < 0xa0) || c === 0xad) return `'\\u00${hex}'`;
  return `'${String.fromCharCode(c)}'`;
}

class SyntaxFailure {
  constructor(readonly message: string) {}
}

const invalid = (c: number, context: string): SyntaxFailure =>
  new SyntaxFailure(`invalid character ${quoteChar(c)} ${context}`);

/**
 * The error encoding/json's Unmarshal gives for `text` before decoding anything, or undefined when
 * it is valid JSON. `maxDepth` lowers the nesting limit for a caller that cannot go as deep.
 */
export function goJsonSyntaxError(text: string, maxDepth = MAX_NESTING_DEPTH): string | undefined {
  try {
    scan(Buffer.from(text, 'utf8'), maxDepth);
    return undefined;
  } catch (error) {
    if (error instanceof SyntaxFailure) return error.message;
    throw error;
  }
}

function scan(data: Buffer, maxDepth: number): void {
  const open: ('object' | 'array')[] = [];
  let expect: Expect = 'value';
  let at = 0;
  const afterValue = (): Expect =>
    open.length === 0 ? 'end' : open[open.length - 1] === 'object' ? 'comma-or-close-object' : 'comma-or-close-array';
  const push = (c: number, container: 'object' | 'array'): void => {
    open.push(container);
    if (open.length > maxDepth) throw invalid(c, 'exceeded max depth');
  };
  /** Closes the innermost object or array; returns what may follow it. */
  const close = (): Expect => {
    open.pop();
    return afterValue();
  };
  for (;;) {
    while (at < data.length && isSpace(data[at])) at++;
    if (at >= data.length) {
      if (expect === 'end') return;
      throw new SyntaxFailure(UNEXPECTED_END);
    }
    const c = data[at];
    // `]` or `}` right after `[` or `{`: the empty array or object closes.
    if ((expect === 'value-or-close-array' && c === 0x5d) || (expect === 'key-or-close-object' && c === 0x7d)) {
      at++;
      expect = close();
      continue;
    }
    switch (expect) {
      case 'value':
      case 'value-or-close-array':
        if (c === 0x7b) {
          push(c, 'object');
          at++;
          expect = 'key-or-close-object';
        } else if (c === 0x5b) {
          push(c, 'array');
          at++;
          expect = 'value-or-close-array';
        } else {
          at = scanScalar(data, at);
          expect = afterValue();
        }
        break;
      case 'key-or-close-object':
      case 'key':
        if (c !== 0x22) throw invalid(c, 'looking for beginning of object key string');
        at = scanString(data, at);
        expect = 'colon';
        break;
      case 'colon':
        if (c !== 0x3a) throw invalid(c, 'after object key');
        at++;
        expect = 'value';
        break;
      case 'comma-or-close-object':
      case 'comma-or-close-array': {
        const isObject: boolean = expect === 'comma-or-close-object';
        if (c === 0x2c) expect = isObject ? 'key' : 'value';
        else if (c === (isObject ? 0x7d : 0x5d)) expect = close();
        else throw invalid(c, isObject ? 'after object key:value pair' : 'after array element');
        at++;
        break;
      }
      case 'end':
        throw invalid(c, 'after top-level value');
    }
  }
}

/** A string, number or literal starting at `at`; returns where it ends. */
function scanScalar(data: Buffer, at: number): number {
  const c = data[at];
  if (c === 0x22) return scanString(data, at);
  if (c === 0x2d || isDigit(c)) return scanNumber(data, at);
  for (const literal of ['true', 'false', 'null']) {
    if (c !== literal.charCodeAt(0)) continue;
    for (let i = 1; i < literal.length; i++) {
      const next = data[at + i];
      if (next === undefined) throw new SyntaxFailure(UNEXPECTED_END);
      if (next !== literal.charCodeAt(i)) throw invalid(next, `in literal ${literal} (expecting '${literal[i]}')`);
    }
    return at + literal.length;
  }
  throw invalid(c, 'looking for beginning of value');
}

function scanString(data: Buffer, start: number): number {
  let at = start + 1;
  for (;;) {
    const c = data[at];
    if (c === undefined) throw new SyntaxFailure(UNEXPECTED_END);
    if (c === 0x22) return at + 1;
    if (c < 0x20) throw invalid(c, 'in string literal');
    if (c === 0x5c) {
      const escape = data[at + 1];
      if (escape === undefined) throw new SyntaxFailure(UNEXPECTED_END);
      if (escape === 0x75) {
        for (let i = 2; i < 6; i++) {
          if (data[at + i] === undefined) throw new SyntaxFailure(UNEXPECTED_END);
          if (!isHex(data[at + i])) throw invalid(data[at + i], 'in \\u hexadecimal character escape');
        }
        at += 6;
        continue;
      }
      if (!'bfnrt\\/"'.includes(String.fromCharCode(escape))) throw invalid(escape, 'in string escape code');
      at += 2;
      continue;
    }
    at++;
  }
}

/** Needs a digit at `at`: the end of input is an unexpected end, anything else `invalid … context`. */
function digitAt(data: Buffer, at: number, context: string): void {
  if (data[at] === undefined) throw new SyntaxFailure(UNEXPECTED_END);
  if (!isDigit(data[at])) throw invalid(data[at], context);
}

function scanNumber(data: Buffer, start: number): number {
  let at = start;
  if (data[at] === 0x2d) {
    at++;
    digitAt(data, at, 'in numeric literal');
  }
  if (data[at] === 0x30) at++;
  else while (isDigit(data[at])) at++;
  if (data[at] === 0x2e) {
    at++;
    digitAt(data, at, 'after decimal point in numeric literal');
    while (isDigit(data[at])) at++;
  }
  if (data[at] === 0x65 || data[at] === 0x45) {
    at++;
    if (data[at] === 0x2b || data[at] === 0x2d) at++;
    digitAt(data, at, 'in exponent of numeric literal');
    while (isDigit(data[at])) at++;
  }
  return at;
}
