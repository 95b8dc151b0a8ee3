// The part of spdy-transport (no published types) the sandbox's port-forward uses.
declare module 'spdy-transport' {
  import type { Duplex } from 'node:stream';
  import type { EventEmitter } from 'node:events';

  export interface SpdyStream extends Duplex {
    readonly id: number;
    /** Header names arrive lower-cased, as on the SPDY wire. */
    readonly headers: Record<string, string>;
    respond(status: number, headers: Record<string, string>, callback?: (error?: Error) => void): void;
  }

  export interface SpdyConnection extends EventEmitter {
    on(event: 'stream', listener: (stream: SpdyStream) => void): this;
    on(event: 'error' | 'close', listener: (error?: Error) => void): this;
    end(callback?: () => void): void;
    destroyStreams(error?: Error): void;
  }

  export const connection: {
    create(
      socket: Duplex,
      options: { protocol: 'spdy' | 'http2'; isServer: boolean; autoSpdy31?: boolean; windowSize?: number },
    ): SpdyConnection;
  };
}
