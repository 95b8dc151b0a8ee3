// Temporary extraction directories (`.istio-<version>.partial-<pid>-<random>`) are removed when the
// unpack ends, but an extension host that was killed mid-unpack leaves its one behind. This finds
// and removes those, and only those, before the next unpack into the same folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isProcessAlive } from '../process-alive';

/** The prefix `mkdtemp` completes (with six random characters) for an unpack of `target` by this process. */
export function partialPrefix(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.partial-${process.pid}-`);
}

// `.istio-1.2.2.partial-4242-Ab12Cd`, and `.istio-1.2.2.partial-Ab12Cd` as earlier versions named them.
const PARTIAL = /^\.istio-.+\.partial-(?:(\d+)-)?[A-Za-z0-9]{6}$/;

/**
 * An unpack lasts as long as its download: seconds, at worst a few hours for 200 MB on a very
 * slow line (a stalled one times out after 30 s). After a day the directory is not in use, even
 * if its pid now belongs to another process.
 */
const SURELY_DEAD_MS = 24 * 60 * 60 * 1000;
/** Directories named without a pid cannot be traced to a process; an hour is far beyond any unpack's start. */
const UNNAMED_DEAD_MS = 60 * 60 * 1000;

/**
 * Removes the partial directories in `parent` that are ours and no longer in use. Ours: named as
 * above and a real directory (not a link). Not in use: the process whose pid is in the name is not
 * running on this machine (a killed extension host), or it is older than a day; one without a pid
 * is older than an hour. A directory of a running unpack — another VS Code window's, or this
 * process's own — is left alone. Failures are ignored: this is housekeeping.
 */
export async function removeStalePartials(parent: string, now = Date.now()): Promise<string[]> {
  const names = await fs.promises.readdir(parent).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const match = PARTIAL.exec(name);
    if (!match) continue;
    const directory = path.join(parent, name);
    const stat = await fs.promises.lstat(directory).catch(() => undefined);
    if (!stat?.isDirectory()) continue;
    const age = now - stat.mtimeMs;
    const pid = match[1] === undefined ? undefined : Number(match[1]);
    const stale = pid === undefined ? age > UNNAMED_DEAD_MS : age > SURELY_DEAD_MS || !isProcessAlive(pid);
    if (!stale) continue;
    await fs.promises.rm(directory, { recursive: true, force: true, maxRetries: 3 }).then(
      () => removed.push(name),
      () => undefined,
    );
  }
  return removed;
}
