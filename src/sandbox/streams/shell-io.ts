// What the simulated shell's commands share: the context a command runs in (its pod, container and
// the cluster network), what it prints (stdout and stderr chunks, in order, text or bytes), and the
// call each command receives (its arguments, its stdin, the container's file system).
import type { KubeObject } from '../apimachinery/kube-object';
import type { ClusterNetwork } from './cluster-network';
import type { ContainerFs, PodFiles } from './shell-files';

export interface ShellChunk {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  /** The exact bytes, when the output is not text (`tar cf -`); `text` is then their UTF-8 reading. */
  readonly bytes?: Buffer;
}

export interface ShellResult {
  readonly output: readonly ShellChunk[];
  readonly exitCode: number;
}

export interface ShellContext {
  readonly network: ClusterNetwork;
  /** The pod the command runs in: its namespace picks the DNS search path, its IP is `hostname -i`. */
  readonly pod: KubeObject;
  readonly containerName: string;
  readonly now: Date;
  /** Where files written in the pod's containers are kept; without it, writes last one command. */
  readonly files?: PodFiles;
}

export class Output {
  readonly chunks: ShellChunk[] = [];
  out(data: string | Buffer): void {
    if (data.length === 0) return;
    this.chunks.push(
      typeof data === 'string'
        ? { stream: 'stdout', text: data }
        : { stream: 'stdout', text: data.toString('utf8'), bytes: data },
    );
  }
  err(text: string): void {
    if (text) this.chunks.push({ stream: 'stderr', text });
  }
}

/** A chunk's bytes as they would cross a pipe or reach a file. */
export const chunkBytes = (chunk: ShellChunk): Buffer => chunk.bytes ?? Buffer.from(chunk.text);

export interface Invocation {
  readonly name: string;
  readonly args: readonly string[];
  readonly stdin: Buffer;
  readonly output: Output;
  readonly context: ShellContext;
  readonly fs: ContainerFs;
  /** The shell's variables and exported environment, for `env` and `$NAME`. */
  readonly environment: readonly [string, string][];
  /** Runs a script in a nested shell (`sh -c`, `sh` reading stdin), returning its exit code. */
  runScript(script: string, stdin: Buffer): number;
}

export type Builtin = (call: Invocation) => number;
