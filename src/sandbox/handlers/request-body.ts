// Decoding a request's body: size limit, Kubernetes protobuf (kubectl's typed clients), JSON or YAML
// into an object (k8s.io/apiserver pkg/endpoints/handlers/rest.go readBody, and the serializers).
import type { IncomingMessage } from 'node:http';
import * as yaml from 'js-yaml';
import type { KubeObject } from '../apimachinery/kube-object';
import { isKubeObject } from '../apimachinery/kube-object';
import { badRequest, StatusError } from '../apimachinery/status-error';
import { decodeProtobufObject, isProtobufContentType } from '../protobuf/decode-protobuf-object';

const MAX_BODY_BYTES = 16 * 1024 * 1024;

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new StatusError(413, 'RequestEntityTooLarge', 'the request is too large');
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  // kubectl's typed clients (auth can-i, create namespace, …) send Kubernetes protobuf.
  if (isProtobufContentType(request.headers['content-type'])) return JSON.stringify(decodeProtobufObject(body));
  return body.toString('utf8');
}

export function parseObject(text: string, contentType = 'application/json'): KubeObject {
  let value: unknown;
  try {
    value = contentType.includes('yaml') ? yaml.load(text) : JSON.parse(text);
  } catch (error) {
    throw badRequest(
      `the body of the request was in an unknown format: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!isKubeObject(value))
    throw badRequest(
      'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
    );
  value.metadata ??= {};
  return value;
}
