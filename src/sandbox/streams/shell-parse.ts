// The simulated shell's parser: a script becomes a list of pipelines joined by `;`, newlines, `&&`
// and `||`; a pipeline is simple commands joined by `|`; a simple command is words and redirections
// (`>`, `>>`, `<`, `n>&m`, `&>`). Quotes and backslashes are honoured as POSIX sh does; `$NAME`,
// `${NAME}`, `$?` and `$(command)` outside single quotes become markers the runner expands (expandWord).

export type Next = ';' | '&&' | '||';

export interface Redirect {
  /** The file descriptor redirected: 0 stdin, 1 stdout, 2 stderr. */
  readonly fd: number;
  /** `>` truncate, `>>` append, `<` read, `>&` duplicate another descriptor (target is its number). */
  readonly op: '>' | '>>' | '<' | '>&';
  readonly target: string;
}

export interface SimpleCommand {
  readonly words: string[];
  readonly redirects: Redirect[];
}

export interface ScriptCommand {
  /** The words of the pipeline's first command (the whole command when there is no pipe). */
  readonly words: string[];
  /** How the next command depends on this one's exit code. */
  readonly next: Next;
  readonly pipeline: SimpleCommand[];
}

const VARIABLE_START = '\u0001';
const VARIABLE_END = '\u0002';

/** Replaces the markers of a parsed word with their values (unset ones are empty); `(script` is a `$(script)`. */
export function expandWord(word: string, lookup: (name: string) => string | undefined): string {
  return word.replace(
    new RegExp(`${VARIABLE_START}([^${VARIABLE_END}]*)${VARIABLE_END}`, 'g'),
    (_whole, name: string) => lookup(name) ?? '',
  );
}

/** Reads `$NAME`, `${NAME}`, `$?` or `$$` at `i` (the `$`); returns the marker and the index of its last character. */
function variableAt(script: string, i: number): { marker: string; end: number } | undefined {
  const rest = script.slice(i + 1);
  if (rest.startsWith('(')) {
    // `$(command)`: the marker holds the command, which the runner runs for its output.
    let depth = 0;
    for (let at = 0; at < rest.length; at++) {
      if (rest[at] === '(') depth++;
      else if (rest[at] === ')' && --depth === 0)
        return { marker: `${VARIABLE_START}${rest.slice(0, at)}${VARIABLE_END}`, end: i + 1 + at };
    }
    return undefined;
  }
  const braced = /^\{([A-Za-z_][A-Za-z0-9_]*|\?)\}/.exec(rest);
  const plain = braced ? undefined : /^([A-Za-z_][A-Za-z0-9_]*|\?|\$|[0-9])/.exec(rest);
  const match = braced ?? plain;
  if (!match) return undefined;
  return { marker: `${VARIABLE_START}${match[1]}${VARIABLE_END}`, end: i + match[0].length };
}

/** Splits a `sh -c` script into pipelines, honouring quotes, backslashes, comments and redirections. */
export function parseScript(script: string): ScriptCommand[] {
  const commands: ScriptCommand[] = [];
  let pipeline: SimpleCommand[] = [];
  let current: SimpleCommand = { words: [], redirects: [] };
  let word = '';
  let inWord = false;
  let quoted = false;
  /** A redirection waiting for its target word. */
  let pending: { fd: number; op: Redirect['op']; both?: boolean } | undefined;
  const endWord = (): void => {
    if (inWord) {
      if (pending) {
        current.redirects.push({ fd: pending.fd, op: pending.op, target: word });
        if (pending.both) current.redirects.push({ fd: 2, op: '>&', target: '1' });
        pending = undefined;
      } else current.words.push(word);
    }
    word = '';
    inWord = false;
    quoted = false;
  };
  const endSimple = (): void => {
    endWord();
    if (current.words.length || current.redirects.length) pipeline.push(current);
    current = { words: [], redirects: [] };
  };
  const endCommand = (next: Next): void => {
    endSimple();
    if (pipeline.length) commands.push({ words: pipeline[0].words, next, pipeline });
    pipeline = [];
  };
  /** A lone `1`/`2` just before `>` or `<` names the descriptor, as in `2>&1`. */
  const takeDescriptor = (fallback: number): number => {
    if (inWord && !quoted && /^\d$/.test(word)) {
      const fd = Number(word);
      word = '';
      inWord = false;
      return fd;
    }
    endWord();
    return fallback;
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (c === "'") {
      const end = script.indexOf("'", i + 1);
      word += script.slice(i + 1, end < 0 ? undefined : end);
      inWord = true;
      quoted = true;
      i = end < 0 ? script.length : end;
    } else if (c === '"') {
      i++;
      while (i < script.length && script[i] !== '"') {
        if (script[i] === '\\' && i + 1 < script.length && '"\\$`'.includes(script[i + 1])) i++;
        else if (script[i] === '$') {
          const variable = variableAt(script, i);
          if (variable) {
            word += variable.marker;
            i = variable.end + 1;
            continue;
          }
        }
        word += script[i++];
      }
      inWord = true;
      quoted = true;
    } else if (c === '\\' && i + 1 < script.length) {
      if (script[i + 1] !== '\n') word += script[i + 1];
      i++;
      inWord = inWord || script[i] !== '\n';
      quoted = true;
    } else if (c === '$' && variableAt(script, i)) {
      const variable = variableAt(script, i)!;
      word += variable.marker;
      inWord = true;
      i = variable.end;
    } else if (c === '#' && !inWord) {
      const end = script.indexOf('\n', i);
      i = (end < 0 ? script.length : end) - 1;
    } else if (c === ';' || c === '\n') endCommand(';');
    else if (c === '&' && script[i + 1] === '&') {
      endCommand('&&');
      i++;
    } else if (c === '|' && script[i + 1] === '|') {
      endCommand('||');
      i++;
    } else if (c === '|') endSimple();
    else if (c === '&' && script[i + 1] === '>') {
      // `&>file`: stdout and stderr both to the file.
      endWord();
      pending = { fd: 1, op: '>', both: true };
      i++;
    } else if (c === '&') endCommand(';');
    else if (c === '>' || c === '<') {
      const fd = takeDescriptor(c === '>' ? 1 : 0);
      if (c === '>' && script[i + 1] === '&' && /\d/.test(script[i + 2] ?? '')) {
        current.redirects.push({ fd, op: '>&', target: script[i + 2] });
        i += 2;
      } else if (c === '>' && script[i + 1] === '>') {
        pending = { fd, op: '>>' };
        i++;
      } else pending = { fd, op: c };
    } else if (/\s/.test(c)) endWord();
    else {
      word += c;
      inWord = true;
    }
  }
  endCommand(';');
  return commands;
}
