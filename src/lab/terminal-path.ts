// What new terminals get on PATH for a release. Not its bin/ first on PATH, where a `bin/ls` in an
// archive would shadow the learner's own `ls`: a folder of the lab's own holding one link,
// `istioctl` → the release's bin/istioctl, goes first, so `istioctl` is the lab's release (what
// the book's `export PATH=$PWD/bin:$PATH` is for) and nothing else of the archive is reachable.
// Where links cannot be made (Windows without the privilege), bin/ is appended instead, after
// every command the learner already has.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TerminalPath {
  /** `prepend`: the lab's folder with the istioctl link alone; `append`: the release's bin/. */
  readonly mode: 'prepend' | 'append';
  readonly directory: string;
}

const NO_LINKS = new Set(['EPERM', 'EACCES', 'ENOSYS', 'ENOTSUP', 'EOPNOTSUPP']);

/** Points `<linkDirectory>/istioctl` at `istioctl` (replacing what was there) and says how PATH should change. */
export async function exposeIstioctl(linkDirectory: string, istioctl: string): Promise<TerminalPath> {
  await fs.promises.mkdir(linkDirectory, { recursive: true, mode: 0o700 });
  const name = path.basename(istioctl);
  const link = path.join(linkDirectory, name);
  const temporary = path.join(linkDirectory, `.${name}-${process.pid}-${Date.now()}`);
  try {
    await fs.promises.symlink(istioctl, temporary, 'file');
    // rename replaces the old link in one step: a terminal opening now finds one istioctl or the other.
    await fs.promises.rename(temporary, link);
  } catch (error) {
    await fs.promises.rm(temporary, { force: true });
    if (NO_LINKS.has((error as NodeJS.ErrnoException).code ?? ''))
      return { mode: 'append', directory: path.dirname(istioctl) };
    throw error;
  }
  // Only the one link stays (an istioctl.exe from an earlier Windows archive, say, goes).
  for (const entry of await fs.promises.readdir(linkDirectory)) {
    if (entry !== name) await fs.promises.rm(path.join(linkDirectory, entry), { force: true, recursive: true });
  }
  return { mode: 'prepend', directory: linkDirectory };
}

/** Removes the lab's istioctl link, so terminals that still have the folder on PATH find none. */
export async function withdrawIstioctl(linkDirectory: string): Promise<void> {
  await fs.promises.rm(linkDirectory, { recursive: true, force: true });
}
