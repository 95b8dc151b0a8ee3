// Names from outside typed into a terminal: quoted for the terminal's shell, each stays one
// argument and runs nothing. POSIX quoting is judged by the real bash and dash on this machine;
// the other shells by their quoting rules.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { ShellKind } from '../../../src/ui/shell-quote';
import { UnquotableArgumentError, quoteArgument, quoteCommandLine, shellKind } from '../../../src/ui/shell-quote';

const HOSTILE = [
  'ctx$(touch CANARY)',
  'ctx`touch CANARY`',
  "ctx'; touch CANARY; '",
  'ctx"; touch CANARY; "',
  'ctx; touch CANARY',
  'ctx && touch CANARY',
  'ctx | touch CANARY',
  'ctx > CANARY',
  '$(touch CANARY)$HOME${HOME}',
  '!!',
  '~',
  '*',
  '=ls',
  '-n',
  '',
  'a b  c',
  "it's",
  '\\',
  'ctx#comment',
  'gke_project_us-central1_cluster',
  'arn:aws:eks:eu-west-1:123456789012:cluster/istio',
];

for (const shell of ['bash', 'dash']) {
  test(`${shell} receives each hostile name as one argument, and nothing runs`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-quote-'));
    try {
      for (const value of HOSTILE) {
        const line = `printf '%s\\n' ${quoteCommandLine([value, 'second'], 'posix')}`;
        const result = spawnSync(shell, ['-c', line], { cwd: dir, encoding: 'utf8' });
        assert.equal(result.status, 0, `${shell} failed on ${JSON.stringify(value)}: ${result.stderr}`);
        assert.equal(result.stdout, `${value}\nsecond\n`, `${shell} split or changed ${JSON.stringify(value)}`);
        assert.deepEqual(fs.readdirSync(dir), [], `${JSON.stringify(value)} ran a command`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('plain names are typed as they are, so the command reads like the book', () => {
  assert.equal(
    quoteCommandLine(
      ['kubectl', '--context', 'kind-istio', '-n', 'istio-system', 'describe', 'pod', 'istio-pilot-7d8f-x2'],
      'posix',
    ),
    'kubectl --context kind-istio -n istio-system describe pod istio-pilot-7d8f-x2',
  );
  assert.equal(
    quoteArgument('arn:aws:eks:eu-west-1:1:cluster/istio', 'powershell'),
    'arn:aws:eks:eu-west-1:1:cluster/istio',
  );
});

test('PowerShell gets a verbatim string with every kind of single quote doubled', () => {
  assert.equal(quoteArgument('ctx$(Remove-Item x)', 'powershell'), "'ctx$(Remove-Item x)'");
  assert.equal(quoteArgument("it's", 'powershell'), "'it''s'");
  assert.equal(
    quoteArgument('a\u2019; Remove-Item x; \u2018', 'powershell'),
    "'a\u2019\u2019; Remove-Item x; \u2018\u2018'",
  );
  assert.equal(quoteArgument('a,b', 'powershell'), "'a,b'");
});

test('fish, csh and nushell get their own escapes', () => {
  assert.equal(quoteArgument("a'b\\c $(x)", 'fish'), "'a\\'b\\\\c $(x)'");
  assert.equal(quoteArgument("a!b'c", 'csh'), "'a'\\!'b'\\''c'");
  assert.equal(quoteArgument('a"b\\c $x', 'nu'), '"a\\"b\\\\c $x"');
});

test('cmd quotes what it can and refuses a double quote, % or !', () => {
  assert.equal(quoteArgument('ctx & del x', 'cmd'), '"ctx & del x"');
  for (const value of ['ctx" & del x & "', '%USERPROFILE%', '!x!']) {
    assert.throws(() => quoteArgument(value, 'cmd'), UnquotableArgumentError);
  }
});

test('a control character is refused in every shell: typed, it is a key (Enter, Ctrl-U)', () => {
  for (const shell of ['posix', 'csh', 'fish', 'nu', 'powershell', 'cmd'] as const) {
    for (const value of [
      'ctx\ttab',
      'ctx\n touch x',
      'ctx\r',
      'ctx\u0015touch x\r',
      'ctx\u001b[201~',
      'ctx\u0003',
      'ctx\u009b',
    ]) {
      assert.throws(
        () => quoteArgument(value, shell),
        UnquotableArgumentError,
        `${shell} took ${JSON.stringify(value)}`,
      );
    }
  }
});

// VS Code's shell types and default shells' paths, by the kind of shell each one is.
const SHELLS: Record<ShellKind, readonly (string | undefined)[]> = {
  posix: ['bash', 'zsh', 'gitbash', undefined],
  fish: ['/usr/bin/fish'],
  powershell: ['pwsh', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe'],
  cmd: ['C:\\Windows\\System32\\cmd.exe'],
  csh: ['/bin/tcsh'],
  nu: ['nu'],
};

test("the shell is known from VS Code's shell type or the default shell's path", () => {
  for (const [kind, shells] of Object.entries(SHELLS)) {
    for (const shell of shells) assert.equal(shellKind(shell), kind, `${shell} is not ${kind}`);
  }
});
