// The Kubernetes protobuf schema the sandbox decodes with: the descriptor compiled at build time
// (scripts/protobuf/build-descriptor.mjs), loaded once on first use.
import { brotliDecompressSync } from 'node:zlib';
import type { INamespace, Type } from 'protobufjs/light';
import { Root } from 'protobufjs/light';
import { KUBERNETES_PROTOS_BROTLI_BASE64 } from './data/kubernetes-protos';

interface DescriptorJson {
  tag: string;
  commits: Record<string, string>;
  /** apiVersion → kind → fully qualified message name. */
  kinds: Record<string, Record<string, string>>;
  /** Kinds every group-version decodes (DeleteOptions, Status…), by kind alone. */
  anyVersionKinds: Record<string, string>;
  nested: INamespace['nested'];
}

export interface KubernetesProtos {
  /** The k8s.io/api release the messages come from (`v0.32.4`). */
  readonly release: string;
  readonly root: Root;
  /** Whether any kind of this group-version has a protobuf message. */
  hasGroupVersion(apiVersion: string): boolean;
  /** The message of a registered kind, or undefined when that group-version does not register it. */
  typeForKind(apiVersion: string, kind: string): Type | undefined;
  /** runtime.Unknown: the envelope of every protobuf body. */
  readonly unknown: Type;
}

let loaded: KubernetesProtos | undefined;

export function kubernetesProtos(): KubernetesProtos {
  loaded ??= load();
  return loaded;
}

function load(): KubernetesProtos {
  const json = brotliDecompressSync(Buffer.from(KUBERNETES_PROTOS_BROTLI_BASE64, 'base64')).toString('utf8');
  const descriptor = JSON.parse(json) as DescriptorJson;
  const root = Root.fromJSON({ nested: descriptor.nested });
  root.resolveAll();
  return {
    release: descriptor.tag,
    root,
    hasGroupVersion: (apiVersion) => Object.hasOwn(descriptor.kinds, apiVersion),
    typeForKind(apiVersion, kind) {
      const table = Object.hasOwn(descriptor.kinds, apiVersion) ? descriptor.kinds[apiVersion] : undefined;
      const name =
        table && Object.hasOwn(table, kind)
          ? table[kind]
          : Object.hasOwn(descriptor.anyVersionKinds, kind)
            ? descriptor.anyVersionKinds[kind]
            : undefined;
      return name === undefined ? undefined : root.lookupType(name);
    },
    unknown: root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown'),
  };
}
