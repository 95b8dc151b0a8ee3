// `pods/portforward` in the wire forms clients speak, all ending at the same place: a byte stream
// into the simulated container listening on that port, where an in-process HTTP server answers
// (a port-forward arrives as loopback, so istiod's debug pages answer it).
// - SPDY/3.1 (kubectl; tunnelled in WebSocket binary messages since 1.31, else a plain Upgrade): the
//   client opens an error and a data stream per connection, headers `streamType`, `port`, `requestID`.
// - WebSocket channel framing (client-node's PortForward): per port a data and an error channel, each
//   opened by the port as 2 bytes little-endian; one forwarded connection per WebSocket.
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import * as spdy from 'spdy-transport';
import type { SpdyStream } from 'spdy-transport';
import type { KubeObject } from '../apimachinery/kube-object';
import { servesEnvoyAdmin } from '../istio/envoy-admin';
import { listenerOn } from '../istio/simulated-containers';
import type { ClusterNetwork, Destination } from './cluster-network';
import type { ChannelSocket } from './websocket-channels';
import { portPrefix } from './websocket-channels';

/** Connects a byte stream to a port of a pod; returns the kubelet's error text when nothing listens there. */
export type Forwarder = (port: number, data: Duplex) => string | undefined;

/** The simulated containers' HTTP side: one in-process server, fed forwarded byte streams as connections. */
export class ContainerHttp {
  private readonly destinations = new WeakMap<object, Destination>();
  private readonly server: http.Server;

  constructor(private readonly network: ClusterNetwork) {
    this.server = http.createServer((request, response) => this.answer(request, response));
  }

  /** A forwarder for one pod (re-read on each request, so answers follow the cluster). */
  forwarderFor(pod: KubeObject): Forwarder {
    return (port, data) => {
      if (!listenerOn(pod, port) && !servesEnvoyAdmin(pod, port)) {
        // dockershim's socat inside the pod's network namespace, as a 1.13 kubelet reports it.
        const time = new Date().toISOString().replace('T', ' ').replace(/-/g, '/').slice(0, 19);
        return `error forwarding port ${port} to pod ${pod.metadata.uid}, uid : exit status 1: ${time} socat[1] E connect(5, AF=2 127.0.0.1:${port}, 16): Connection refused\n`;
      }
      this.destinations.set(data, { pod, port, fromLoopback: true });
      this.server.emit('connection', data);
      return undefined;
    };
  }

  private answer(request: http.IncomingMessage, response: http.ServerResponse): void {
    const destination = this.destinations.get(request.socket);
    const url = new URL(request.url ?? '/', 'http://pod');
    const pod = destination && this.network.pod(destination.pod.metadata.namespace!, destination.pod.metadata.name!);
    const answer =
      pod &&
      this.network.request(
        { ...destination, pod },
        { method: request.method ?? 'GET', path: url.pathname, query: url.searchParams },
      );
    if (!answer) {
      // The pod went away under the forward: the connection drops, as it would.
      request.socket.destroy();
      return;
    }
    const headers: http.OutgoingHttpHeaders = { 'content-length': Buffer.byteLength(answer.body) };
    if (answer.body || answer.status !== 401) headers['content-type'] = answer.contentType;
    response.writeHead(answer.status, headers);
    response.end(request.method === 'HEAD' ? undefined : answer.body);
  }

  close(): void {
    this.server.close();
  }
}

/**
 * kube's SPDY streams carry only their own headers, while spdy-transport (written for HTTP over SPDY)
 * rejects a SYN_STREAM without `:method` and `:path`; give the parser's header blocks neutral ones.
 */
function acceptStreamsWithoutHttpHeaders(connection: spdy.SpdyConnection): void {
  const parser = (
    connection as unknown as {
      _spdyState: {
        parser: {
          parseKVs(buffer: unknown, callback: (error: Error | null, headers?: Record<string, string>) => void): void;
        };
      };
    }
  )._spdyState.parser;
  const parseKVs = parser.parseKVs.bind(parser);
  parser.parseKVs = (buffer, callback) =>
    parseKVs(buffer, (error, headers) =>
      callback(error, error ? headers : { ':method': 'POST', ':path': '/', ...headers }),
    );
}

/**
 * Go's spdystream (client-go's SPDY) does no flow control and never sends WINDOW_UPDATE, so a sender
 * that keeps to SPDY's 64 KiB initial window stalls; open each stream's send window all the way.
 */
function openSendWindow(stream: SpdyStream): void {
  const send = (
    stream as unknown as { _spdyState: { window: { send: { getCurrent(): number; update(size: number): void } } } }
  )._spdyState.window.send;
  send.update(SPDY_MAX_WINDOW - send.getCurrent());
}

const SPDY_MAX_WINDOW = 0x7fffffff;

/** The kubelet's SPDY port-forward handler on a connection that already switched protocols. */
export function serveSpdyPortForward(transport: Duplex, forward: Forwarder): void {
  const connection = spdy.connection.create(transport, { protocol: 'spdy', isServer: true });
  acceptStreamsWithoutHttpHeaders(connection);
  const pairs = new Map<string, { error?: SpdyStream; data?: SpdyStream }>();
  connection.on('stream', (stream) => {
    stream.respond(200, {});
    openSendWindow(stream);
    stream.on('error', () => stream.destroy());
    const type = stream.headers.streamtype;
    const requestId = stream.headers.requestid ?? stream.headers.port;
    const pair = pairs.get(requestId) ?? {};
    if (type === 'error') {
      pair.error = stream;
      stream.resume();
    } else if (type === 'data') pair.data = stream;
    else {
      stream.end();
      return;
    }
    pairs.set(requestId, pair);
    if (!pair.error || !pair.data) return;
    pairs.delete(requestId);
    const { error, data } = pair;
    const problem = forward(Number(stream.headers.port), data);
    if (problem) {
      error.end(problem);
      data.end();
    } else {
      data.once('finish', () => error.end());
    }
  });
  connection.on('error', () => transport.destroy());
  transport.on('error', () => transport.destroy());
}

/** The kubelet's WebSocket port-forward: channels 2i (data) and 2i+1 (error) for the i-th requested port. */
export function serveChannelPortForward(channels: ChannelSocket, ports: readonly number[], forward: Forwarder): void {
  let open = ports.length;
  ports.forEach((port, index) => {
    const data = channels.channelStream(index * 2);
    channels.send(index * 2, portPrefix(port));
    channels.send(index * 2 + 1, portPrefix(port));
    const done = (): void => {
      if (--open === 0) channels.ws.close(1000);
    };
    const problem = forward(port, data);
    if (problem) {
      channels.send(index * 2 + 1, problem);
      done();
    } else data.once('finish', done);
  });
}
