// Writes a file whole or not at all: a private temporary file beside it, synced to disk, then
// renamed over it. What the sandbox keeps (its snapshot, credentials, kubeconfig) holds a token
// or the cluster's state, so the file is 0600 from its first byte, whatever the umask.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function writeFileAtomically(target: string, text: string): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    // A leftover of an earlier process that had the same pid is not ours to append to.
    fs.rmSync(temporary, { force: true });
    const fd = fs.openSync(temporary, 'wx', 0o600);
    try {
      fs.writeSync(fd, text);
      fs.fchmodSync(fd, 0o600);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, target);
  } catch (error) {
    // On a full disk a half-written temporary file would only hold on to the space.
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}
