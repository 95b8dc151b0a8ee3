// The Kubernetes channel framing over WebSocket (k8s.io/apimachinery wsstream): every binary message
// starts with a channel byte; v5.channel.k8s.io adds a close signal, message [255, channel]. Used by
// exec/attach (0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 resize; only clients send the close
// signal, for stdin) and by the kubelet's WebSocket
// port-forward (a data and an error channel per port, each opened by the port as 2 bytes little-endian).
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

export const CHANNEL_V5 = 'v5.channel.k8s.io';
export const CHANNEL_V4 = 'v4.channel.k8s.io';
/** What the kubelet's port-forward accepts as binary channel framing; `portforward.k8s.io` is its protocol name. */
export const PORT_FORWARD_CHANNEL_PROTOCOLS = [CHANNEL_V4, 'portforward.k8s.io', 'channel.k8s.io'];
/** kubectl 1.31+ tunnels SPDY inside WebSocket binary messages under this subprotocol. */
export const SPDY_TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

const CLOSE_CHANNEL = 255;

export class ChannelSocket {
  constructor(
    readonly ws: WebSocket,
    readonly protocol: string,
  ) {}

  get supportsClose(): boolean {
    return this.protocol === CHANNEL_V5;
  }

  send(channel: number, data: Buffer | string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(Buffer.concat([Buffer.from([channel]), Buffer.isBuffer(data) ? data : Buffer.from(data)]));
  }

  /** Calls back with the channel and payload of each message, and with `closed` for a v5 close signal from the client. */
  onMessage(listener: (channel: number, data: Buffer, closed: boolean) => void): void {
    this.ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const message = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
      if (!isBinary || message.length === 0) return;
      if (message[0] === CLOSE_CHANNEL && this.supportsClose) listener(message[1] ?? 0, Buffer.alloc(0), true);
      else listener(message[0], message.subarray(1), false);
    });
  }

  /** One channel as a byte stream: writes become messages on it, its messages are read. */
  channelStream(channel: number): Duplex {
    const stream = new Duplex({
      write: (chunk: Buffer, _encoding, callback) => {
        this.send(channel, chunk);
        callback();
      },
      read: () => undefined,
    });
    this.onMessage((from, data, closed) => {
      if (from !== channel) return;
      if (closed) stream.push(null);
      else stream.push(data);
    });
    this.ws.once('close', () => {
      stream.push(null);
      stream.destroy();
    });
    return stream;
  }
}

/** Little-endian port bytes that open each port-forward channel. */
export function portPrefix(port: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16LE(port);
  return bytes;
}
