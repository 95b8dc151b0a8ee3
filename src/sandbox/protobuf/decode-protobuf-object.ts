// Request bodies in Kubernetes protobuf (`application/vnd.kubernetes.protobuf`), as kubectl's
// typed clients send them: the magic `k8s\0`, then a runtime.Unknown envelope naming the
// apiVersion/kind around the object's own message. Decoded to the JSON a JSON client would send.
import type { Message } from 'protobufjs/light';
import type { KubeObject } from '../apimachinery/kube-object';
import { StatusError } from '../apimachinery/status-error';
import { GoJsonError, messageToGoJson } from './go-json';
import { kubernetesProtos } from './kubernetes-protos';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** The magic prefix of every Kubernetes protobuf document. */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** A protobuf body the sandbox cannot read: 400 BadRequest, or 415 for a group without protobuf (custom resources). */
export class ProtobufDecodeError extends StatusError {
  constructor(code: 400 | 415, message: string, options?: { cause?: unknown }) {
    super(code, code === 415 ? 'UnsupportedMediaType' : 'BadRequest', message);
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

/** Whether a Content-Type header names Kubernetes protobuf (parameters ignored). */
export function isProtobufContentType(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0].trim().toLowerCase() === PROTOBUF_CONTENT_TYPE;
}

interface UnknownEnvelope {
  typeMeta?: { apiVersion?: string; kind?: string };
  raw?: Uint8Array;
  contentEncoding?: string;
  contentType?: string;
}

/**
 * The object in a protobuf request body, as JSON: json tag names, `omitempty` respected, times
 * as RFC 3339, quantities and int-or-strings in their string/number forms, Secret bytes in base64.
 * Kinds without ObjectMeta (DeleteOptions…) come back without `metadata`, as their JSON would.
 * Throws a {@link ProtobufDecodeError} for a body that is not Kubernetes protobuf or names a kind
 * the sandbox has no message for.
 */
export function decodeProtobufObject(body: Buffer): KubeObject {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ProtobufDecodeError(
      400,
      `the body of the request is not Kubernetes protobuf: it does not start with the "k8s\\x00" prefix`,
    );
  }
  const protos = kubernetesProtos();
  const envelope = decodeMessage(
    () => protos.unknown.decode(body.subarray(MAGIC.length)),
    'the runtime.Unknown envelope',
  ) as UnknownEnvelope;
  const apiVersion = envelope.typeMeta?.apiVersion ?? '';
  const kind = envelope.typeMeta?.kind ?? '';
  if (!kind) throw new ProtobufDecodeError(400, `Object 'Kind' is missing in the protobuf body`);
  if (!apiVersion)
    throw new ProtobufDecodeError(400, `Object 'apiVersion' is missing in the protobuf body of kind "${kind}"`);
  if (envelope.contentEncoding) {
    throw new ProtobufDecodeError(
      415,
      `the protobuf body of ${apiVersion} ${kind} uses content encoding "${envelope.contentEncoding}", which the sandbox does not read`,
    );
  }
  const raw = envelope.raw ?? new Uint8Array();
  if (envelope.contentType && envelope.contentType !== PROTOBUF_CONTENT_TYPE) {
    throw new ProtobufDecodeError(
      415,
      `the protobuf envelope of ${apiVersion} ${kind} carries "${envelope.contentType}", which the sandbox does not read`,
    );
  }

  const type = protos.typeForKind(apiVersion, kind);
  if (!type) {
    if (!protos.hasGroupVersion(apiVersion)) {
      throw new ProtobufDecodeError(
        415,
        `the sandbox has no protobuf schema for "${apiVersion}" (custom resources are JSON only) - accepted media types include: application/json, application/yaml`,
      );
    }
    throw new ProtobufDecodeError(
      400,
      `no kind "${kind}" is registered for version "${apiVersion}" in the sandbox's protobuf schema (Kubernetes ${protos.release})`,
    );
  }
  const message = decodeMessage(() => type.decode(raw), `${apiVersion} ${kind}`);
  let json;
  try {
    json = messageToGoJson(type, message);
  } catch (error) {
    if (error instanceof GoJsonError)
      throw new ProtobufDecodeError(
        400,
        `the protobuf body of ${apiVersion} ${kind} cannot be written as JSON: ${error.message}`,
        { cause: error },
      );
    throw error;
  }
  // Every kind's message is a struct, so its JSON is an object.
  return { apiVersion, kind, ...(json as Record<string, unknown>) } as KubeObject;
}

function decodeMessage(decode: () => Message, what: string): Message {
  try {
    return decode();
  } catch (error) {
    throw new ProtobufDecodeError(
      400,
      `the protobuf body could not be decoded as ${what}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
