// Command lines typed into an integrated terminal, each argument quoted for the terminal's shell,
// so a context, namespace or pod name from outside is one argument and never code
// (`ctx$(touch /tmp/x)` stays a name). No `vscode` import here: callers pass the shell VS Code
// reports (`terminal.state.shell`, else `vscode.env.shell`), and plain Node tests run it.

export type ShellKind = 'posix' | 'csh' | 'fish' | 'nu' | 'powershell' | 'cmd';

/**
 * The quoting family of a shell, from a `TerminalState.shell` value ('bash', 'pwsh', 'cmd', …) or
 * a shell path (`/usr/bin/zsh`, `C:\…\powershell.exe`). Unknown shells are treated as POSIX sh.
 */
export function shellKind(shell: string | undefined): ShellKind {
  const name = (shell ?? '')
    .split(/[\\/]/)
    .pop()!
    .toLowerCase()
    .replace(/\.exe$/, '');
  if (name === 'pwsh' || name === 'powershell' || name === 'pwsh-preview') return 'powershell';
  if (name === 'cmd') return 'cmd';
  if (name === 'fish') return 'fish';
  if (name === 'nu') return 'nu';
  if (name === 'csh' || name === 'tcsh') return 'csh';
  return 'posix';
}

/** An argument no quoting makes safe to type: a control character acts as a key (Enter, Ctrl-U…). */
export class UnquotableArgumentError extends Error {
  constructor(
    readonly argument: string,
    readonly shell: ShellKind,
  ) {
    super(
      `${JSON.stringify(argument)} cannot be typed into a ${shell} terminal safely: it holds a control character${shell === 'cmd' ? ', a double quote, % or !' : ''}.`,
    );
    this.name = 'UnquotableArgumentError';
  }
}

// C0 controls, DEL and C1 controls: typed into a terminal they are keys, whatever the quoting.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/**
 * Arguments typed as they are: letters, digits and punctuation no shell here gives a meaning
 * (not "=" first, which zsh expands to a command's path; no ",", PowerShell's array operator).
 */
const PLAIN = /^[A-Za-z0-9_./:-][A-Za-z0-9_./:=+-]*$/;

/** `value` as one argument of a command line for `shell`. */
export function quoteArgument(value: string, shell: ShellKind): string {
  if (CONTROL.test(value)) throw new UnquotableArgumentError(value, shell);
  if (PLAIN.test(value)) return value;
  switch (shell) {
    case 'posix':
      // Inside '…' nothing is special; a ' ends it, so it is written '\'' (end, escaped ', reopen).
      return `'${value.replace(/'/g, `'\\''`)}'`;
    case 'csh':
      // As POSIX, but csh expands history (!) even inside single quotes.
      return `'${value.replace(/'/g, `'\\''`).replace(/!/g, `'\\!'`)}'`;
    case 'fish':
      // fish single quotes know two escapes: \' and \\.
      return `'${value.replace(/[\\']/g, '\\$&')}'`;
    case 'nu':
      // Nushell double quotes (not $"…", which interpolates) take backslash escapes.
      return `"${value.replace(/[\\"]/g, '\\$&')}"`;
    case 'powershell':
      // Verbatim '…' string; a quote inside is doubled, and PowerShell counts the typographic
      // single quotes ‘ ’ ‚ ‛ as quotes too.
      return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, '$&$&')}'`;
    case 'cmd':
      // cmd expands %VAR% (and !VAR! with delayed expansion) even inside "…", and a " cannot be
      // escaped inside quotes: refuse rather than type something that runs.
      if (/["%!]/.test(value)) throw new UnquotableArgumentError(value, shell);
      return `"${value}"`;
  }
}

/** A whole command line: every argument quoted for `shell`. */
export function quoteCommandLine(args: readonly string[], shell: ShellKind): string {
  return args.map((arg) => quoteArgument(arg, shell)).join(' ');
}
