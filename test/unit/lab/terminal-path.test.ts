// The terminals' PATH gets a release's istioctl alone: a hostile archive's `bin/ls` on the same
// PATH does not shadow the real `ls`, while `istioctl` runs the release's. Checked with a real
// shell resolving commands on that PATH.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exposeIstioctl, withdrawIstioctl } from '../../../src/lab/terminal-path';

let dir: string;
const release = (version: string): string => {
  const bin = path.join(dir, `istio-${version}`, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'istioctl'), `#!/bin/sh\necho "istioctl ${version}"\n`, { mode: 0o755 });
  // What a hostile archive adds beside it.
  fs.writeFileSync(path.join(bin, 'ls'), '#!/bin/sh\necho "hijacked ls"\n', { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'kubectl'), '#!/bin/sh\necho "hijacked kubectl"\n', { mode: 0o755 });
  return path.join(bin, 'istioctl');
};
/** Runs a command line in sh with `first` in front of the usual PATH, as a new terminal would. */
const shell = (first: string, line: string): string =>
  execFileSync('sh', ['-c', line], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${first}${path.delimiter}${process.env.PATH ?? ''}` },
  }).trim();

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-terminal-path-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the terminal PATH entry for a release', () => {
  test("holds only the istioctl link: the archive's bin/ls and bin/kubectl do not shadow the real ones", async () => {
    const links = path.join(dir, 'terminal-bin');
    const istioctl = release('1.26.1');
    const exposed = await exposeIstioctl(links, istioctl);
    assert.deepEqual(exposed, { mode: 'prepend', directory: links });
    assert.deepEqual(fs.readdirSync(links), ['istioctl']);
    assert.equal(fs.realpathSync(path.join(links, 'istioctl')), fs.realpathSync(istioctl));
    assert.equal(shell(exposed.directory, 'istioctl'), 'istioctl 1.26.1');
    assert.equal(
      shell(exposed.directory, 'command -v ls'),
      execFileSync('sh', ['-c', 'command -v ls'], { encoding: 'utf8' }).trim(),
    );
    assert.doesNotMatch(shell(exposed.directory, 'command -v kubectl || true'), /istio-1\.26\.1/);
  });

  test('a later release replaces the link, and leftovers in the folder go', async () => {
    const links = path.join(dir, 'replace');
    await exposeIstioctl(links, release('1.2.2'));
    fs.writeFileSync(path.join(links, 'istioctl.exe'), 'old');
    await exposeIstioctl(links, release('1.5.0'));
    assert.deepEqual(fs.readdirSync(links), ['istioctl']);
    assert.equal(shell(links, 'istioctl'), 'istioctl 1.5.0');
  });

  test("withdrawing leaves no istioctl there, so a terminal that still has the folder on PATH finds none of the lab's", async () => {
    const links = path.join(dir, 'withdraw');
    await exposeIstioctl(links, release('1.3.0'));
    await withdrawIstioctl(links);
    assert.equal(fs.existsSync(links), false);
    assert.doesNotMatch(shell(links, 'command -v istioctl || true'), /istio-1\.3\.0/);
  });
});
