// The streaming subresources of pods, entered through an HTTP upgrade: `portforward` (SPDY, SPDY in
// WebSocket, WebSocket channels), `exec` and `attach` (WebSocket channels). Holds what attached
// commands printed, so `kubectl logs` shows it afterwards.
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { ControllerClient, PODS } from '../client/client';
import type { Faults } from '../faults/faults';
import type { KubeObject } from '../apimachinery/kube-object';
import type { ObjectStorage, RestStorage } from '../storage/storage';
import type { LogLine } from '../subresources/pod-logs';
import type { ResourceRegistry } from '../apimachinery/resource-registry';
import { badRequest, StatusError } from '../apimachinery/status-error';
import { ClusterNetwork } from './cluster-network';
import type { StreamOptions } from './exec-attach';
import {
  containerArgv,
  exitedPodStatus,
  exitStatus,
  finish,
  printedLines,
  readStdin,
  sendOutput,
  streamContainer,
  streamOptions,
  targetContainer,
  waitsForAttach,
} from './exec-attach';
import { ContainerHttp, serveChannelPortForward, serveSpdyPortForward } from './port-forward';
import type { ShellContext } from './simulated-shell';
import { PodFiles, readsStdin, runCommand } from './simulated-shell';
import {
  CHANNEL_V4,
  CHANNEL_V5,
  ChannelSocket,
  PORT_FORWARD_CHANNEL_PROTOCOLS,
  SPDY_TUNNEL_PROTOCOL,
} from './websocket-channels';

export type StreamSubresource = 'portforward' | 'exec' | 'attach';

export const STREAM_SUBRESOURCES: readonly string[] = ['portforward', 'exec', 'attach'];

export interface PodStreamsOptions {
  readonly api: RestStorage;
  readonly store: ObjectStorage;
  readonly registry: ResourceRegistry;
  readonly faults: Faults;
  readonly now: () => Date;
}

const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';

/** Refuses an upgrade with a Kubernetes Status, on the raw socket (no HTTP response object exists yet). */
export function rejectUpgrade(socket: Duplex, error: unknown): void {
  const status =
    error instanceof StatusError
      ? error
      : new StatusError(
          500,
          'InternalError',
          `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`,
        );
  const body = JSON.stringify(status.toStatus());
  socket.end(
    `HTTP/1.1 ${status.code} ${http.STATUS_CODES[status.code] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const offered = (request: http.IncomingMessage): string[] =>
  (request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((protocol) => protocol.trim())
    .filter(Boolean);

export class PodStreams {
  readonly network: ClusterNetwork;
  private readonly containers: ContainerHttp;
  /** The subprotocol picked for each upgrade request, written into the handshake response. */
  private readonly chosen = new WeakMap<http.IncomingMessage, string>();
  private readonly websockets = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly printed = new Map<string, LogLine[]>();
  private readonly attached = new Set<string>();
  /** What commands wrote into each pod's containers (`kubectl cp`, `>file`), dropped with the pod. */
  private readonly files = new PodFiles();
  private readonly client: ControllerClient;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: PodStreamsOptions) {
    this.network = new ClusterNetwork(options.store, options.registry, options.faults);
    this.containers = new ContainerHttp(this.network);
    this.client = new ControllerClient(options.api, options.store, options.registry, 'kubelet');
    this.websockets.on('headers', (headers, request) => {
      const protocol = this.chosen.get(request);
      if (protocol) headers.push(`Sec-WebSocket-Protocol: ${protocol}`);
    });
    this.unsubscribe = options.store.subscribe((event) => {
      if (event.type !== 'DELETED' || event.object.kind !== 'Pod') return;
      for (const key of this.printed.keys())
        if (key.startsWith(`${event.object.metadata.uid}/`)) this.printed.delete(key);
      this.attached.delete(event.object.metadata.uid!);
      this.files.forget(event.object.metadata.uid!);
    });
  }

  close(): void {
    this.unsubscribe();
    for (const client of this.websockets.clients) client.terminate();
    this.websockets.close();
    this.containers.close();
  }

  /** What an attached command printed in this container, for `pods/log`. */
  printedBy(pod: KubeObject, container: string): readonly LogLine[] {
    return this.printed.get(`${pod.metadata.uid}/${container}`) ?? [];
  }

  /** Takes over an upgrade request for a pod's streaming subresource. Throws a StatusError to refuse it. */
  upgrade(
    subresource: StreamSubresource,
    pod: KubeObject,
    request: http.IncomingMessage,
    socket: Duplex,
    head: Buffer,
    query: URLSearchParams,
  ): void {
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    const upgrade = (request.headers.upgrade ?? '').toLowerCase();
    if (subresource === 'portforward') {
      if (phase !== 'Running')
        throw badRequest(
          `pod ${pod.metadata.name} is not running and cannot forward ports; current phase is ${phase ?? 'Pending'}`,
        );
      const forward = this.containers.forwarderFor(pod);
      if (upgrade === 'spdy/3.1') {
        const versions = String(request.headers['x-stream-protocol-version'] ?? '')
          .split(',')
          .map((v) => v.trim());
        if (!versions.includes(PORT_FORWARD_PROTOCOL))
          throw badRequest(
            `unable to upgrade: unable to negotiate protocol: client supports ${JSON.stringify(versions)}, server accepts ["${PORT_FORWARD_PROTOCOL}"]`,
          );
        socket.write(
          `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}\r\n\r\n`,
        );
        if (head.length) socket.unshift(head);
        serveSpdyPortForward(socket, forward);
        return;
      }
      const protocols = offered(request);
      const protocol = protocols.includes(SPDY_TUNNEL_PROTOCOL)
        ? SPDY_TUNNEL_PROTOCOL
        : protocols.find((p) => PORT_FORWARD_CHANNEL_PROTOCOLS.includes(p));
      if (protocols.length && !protocol)
        throw badRequest(
          `unable to upgrade: none of the offered subprotocols ${JSON.stringify(protocols)} is supported`,
        );
      const ports = query
        .getAll('ports')
        .flatMap((value) => value.split(','))
        .map(Number);
      if (
        protocol !== SPDY_TUNNEL_PROTOCOL &&
        (ports.length === 0 || ports.some((port) => !Number.isInteger(port) || port < 1 || port > 65535))
      ) {
        throw badRequest('unable to upgrade connection: query parameter "port" is required');
      }
      this.accept(request, socket, head, protocol, (ws) => {
        if (protocol === SPDY_TUNNEL_PROTOCOL) serveSpdyPortForward(createWebSocketStream(ws), forward);
        else serveChannelPortForward(new ChannelSocket(ws, protocol ?? ''), ports, forward);
      });
      return;
    }
    // The container is the apiserver's to check, before any upgrade (streamLocation), so a client that
    // falls back from WebSocket to SPDY meets the same 400 on both.
    const container = streamContainer(pod, query.get('container'));
    if (upgrade !== 'websocket')
      throw badRequest(
        `unable to upgrade connection: the sandbox serves ${subresource} over WebSocket (v5.channel.k8s.io, v4.channel.k8s.io) only`,
      );
    const protocols = offered(request);
    const protocol = [CHANNEL_V5, CHANNEL_V4].find((p) => protocols.includes(p));
    if (!protocol)
      throw badRequest(
        `unable to upgrade connection: none of the offered subprotocols ${JSON.stringify(protocols)} is supported`,
      );
    if (phase !== 'Running')
      throw badRequest(
        `pod ${pod.metadata.name} is not running and cannot execute commands; current phase is ${phase ?? 'Pending'}`,
      );
    const options = streamOptions(query);
    this.accept(request, socket, head, protocol, (ws) => {
      const channels = new ChannelSocket(ws, protocol);
      if (subresource === 'exec') {
        const argv = query.getAll('command');
        const run = (stdin: Buffer): void => {
          const result = runCommand(argv, this.shellContext(pod, container.name), stdin);
          sendOutput(channels, result.output, options);
          finish(channels, exitStatus(argv, result.exitCode));
        };
        // Only v5 marks the end of stdin; on v4 (the Python client) there is no end to wait for, so the
        // command runs at once, without it, rather than holding the session until the client hangs up.
        if (options.stdin && channels.supportsClose && readsStdin(argv))
          readStdin(channels, (stdin, open) => open && run(stdin));
        else run(Buffer.alloc(0));
      } else this.attach(channels, pod, container.name, options);
    });
  }

  private accept(
    request: http.IncomingMessage,
    socket: Duplex,
    head: Buffer,
    protocol: string | undefined,
    serve: (ws: WebSocket) => void,
  ): void {
    if (protocol) this.chosen.set(request, protocol);
    // ws would refuse `SPDY/3.1+portforward.k8s.io` ('/' is no token character); the protocol is chosen here instead.
    delete request.headers['sec-websocket-protocol'];
    this.websockets.handleUpgrade(request, socket, head, (ws) => {
      ws.on('error', () => ws.terminate());
      serve(ws);
      // A session that ended at once (exec) ends its connection with the close frame, as the kubelet's
      // websocket Conn.Close does, instead of waiting for the client's reply: the Python client stops
      // reading at the close frame and would otherwise wait for ws's 30 s close timeout.
      if (ws.readyState === ws.CLOSING) socket.end();
    });
  }

  /** Attach: a container waiting for it runs its command now and exits; any other is watched until the pod goes. */
  private attach(channels: ChannelSocket, pod: KubeObject, containerName: string, options: StreamOptions): void {
    const uid = pod.metadata.uid!;
    const container = targetContainer(pod, containerName)!;
    if (!waitsForAttach(pod) || this.attached.has(uid)) {
      const stop = this.options.store.subscribe((event) => {
        if (event.type === 'DELETED' && event.object.metadata.uid === uid) channels.ws.close(1000);
      });
      channels.ws.once('close', stop);
      return;
    }
    this.attached.add(uid);
    const argv = containerArgv(container);
    // `kubectl run -i … -- sh`: the script arrives on stdin; the command runs once the client closes it.
    if (options.stdin && channels.supportsClose && container.stdin === true && readsStdin(argv))
      readStdin(
        channels,
        (stdin, open) => open && this.runAttached(channels, pod, containerName, argv, stdin, options),
      );
    else this.runAttached(channels, pod, containerName, argv, Buffer.alloc(0), options);
  }

  private shellContext(pod: KubeObject, containerName: string): ShellContext {
    return { network: this.network, pod, containerName, now: this.options.now(), files: this.files };
  }

  /** The attached container's command runs, prints, and exits: its code goes into the pod's status. */
  private runAttached(
    channels: ChannelSocket,
    pod: KubeObject,
    containerName: string,
    argv: string[],
    stdin: Buffer,
    options: StreamOptions,
  ): void {
    const uid = pod.metadata.uid!;
    const context = this.shellContext(pod, containerName);
    const now = context.now;
    const result = runCommand(argv, context, stdin);
    const time = now.toISOString().replace(/\.\d+Z$/, 'Z');
    this.printed.set(`${uid}/${containerName}`, printedLines(result, time));
    sendOutput(channels, result.output, options);
    const current = this.network.pod(pod.metadata.namespace!, pod.metadata.name!);
    if (current?.metadata.uid === uid)
      this.client.updateStatus(PODS, {
        ...current,
        status: exitedPodStatus(current, containerName, result.exitCode, time),
      });
    finish(channels, { metadata: {}, status: 'Success' });
  }
}
