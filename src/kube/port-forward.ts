// A port-forward as `kubectl port-forward` makes one: a net.Server on 127.0.0.1 (a free port, or
// the one asked for) whose every connection becomes one client-node PortForward WebSocket stream
// to a pod's port through the API server. One helper for the registry fetch (a forward for the
// length of a fetch) and the pod tree's "Port-forward" action (a forward until the learner stops it).
import * as net from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { kubernetesClient } from './connection';

export interface PortForwardTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly port: number;
}

export interface PortForwardListener {
  readonly target: PortForwardTarget;
  /** The port on 127.0.0.1 that reaches the pod. */
  readonly localPort: number;
  /** Stops listening and ends every forwarded connection. */
  close(): Promise<void>;
}

export interface PortForwardOptions {
  /** Called when one connection cannot be forwarded (RBAC, the pod is gone); that connection ends. */
  readonly onConnectionError?: (error: Error) => void;
}

/** Starts listening on 127.0.0.1; each connection is forwarded to the target on its own stream. */
export async function listenPortForward(
  kubeConfig: KubeConfig,
  target: PortForwardTarget,
  options: PortForwardOptions = {},
): Promise<PortForwardListener> {
  const k8s = await kubernetesClient();
  const forward = new k8s.PortForward(kubeConfig);
  const sockets = new Set<net.Socket>();
  const webSockets = new Set<{ close(): void }>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    forward
      .portForward(target.namespace, target.pod, [target.port], socket, null, socket)
      .then((ws) => {
        const webSocket = typeof ws === 'function' ? ws() : ws;
        if (!webSocket) {
          socket.destroy();
          return;
        }
        webSockets.add(webSocket);
        socket.on('close', () => webSocket.close());
        webSocket.on('close', () => {
          webSockets.delete(webSocket);
          socket.end();
        });
      })
      .catch((cause: unknown) => {
        const error = cause instanceof Error ? cause : new Error(String(cause));
        options.onConnectionError?.(error);
        // Ended without an error event: nobody listens for errors on the server's side of the socket.
        socket.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    target,
    localPort: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const webSocket of webSockets) webSocket.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port-forward for the length of `work`, closed whatever `work` does. */
export async function withPortForward<T>(
  kubeConfig: KubeConfig,
  target: PortForwardTarget,
  work: (localPort: number) => Promise<T>,
): Promise<T> {
  const listener = await listenPortForward(kubeConfig, target);
  try {
    return await work(listener.localPort);
  } finally {
    await listener.close();
  }
}
