// client-node's Exec (WebSocket v5.channel.k8s.io) into a sandbox's container, read whole: what the
// command printed on stdout and the V1Status it ended with.
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import type { Sandbox } from '../../src/sandbox';

export async function execWithClientNode(
  sandbox: Sandbox,
  target: { namespace: string; pod: string; container: string },
  command: string[],
  stdin: Readable | null = null,
): Promise<{ stdout: string; status: k8s.V1Status }> {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(sandbox.kubeconfig);
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk) => (out += chunk));
  const status = await new Promise<k8s.V1Status>((resolve, reject) => {
    new k8s.Exec(kc)
      .exec(target.namespace, target.pod, target.container, command, stdout, null, stdin, false, resolve)
      .catch(reject);
  });
  return { stdout: out, status };
}
