// `kubectl port-forward` to a free local port for as long as a test uses it: the port is read from
// kubectl's "Forwarding from 127.0.0.1:<port>" line, and kubectl is ended however the use ends.
import type { KubectlSandbox, SpawnOptions } from './kubectl';

/** Runs `kubectl port-forward <args>` (with `:<port>` for a free local port) until `use` is done with that port. */
export async function withPortForward<T>(
  cluster: KubectlSandbox,
  args: string[],
  use: (localPort: number) => Promise<T>,
  options?: SpawnOptions,
): Promise<T> {
  const forward = cluster.followKubectl(['port-forward', ...args], options);
  try {
    const [, port] = await forward.until(/Forwarding from 127\.0\.0\.1:(\d+) ->/);
    return await use(Number(port));
  } finally {
    forward.kill();
  }
}
