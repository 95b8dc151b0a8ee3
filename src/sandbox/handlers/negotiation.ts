// Content negotiation of a resource request's answer (kubernetes/kubernetes v1.13
// staging/src/k8s.io/apiserver/pkg/endpoints/handlers/negotiation/negotiate.go): the Accept header
// picks JSON or YAML (protobuf is answered in JSON, which every protobuf client also accepts), an
// Accept the server cannot meet is 406 NotAcceptable, and `pretty` (or a curl, Wget or browser
// User-Agent) indents JSON. The choice is kept with the response, and the writers consult it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as yaml from 'js-yaml';
import { goParseBool } from '../apimachinery/query-flags';
import { StatusError } from '../apimachinery/status-error';

export type OutputMediaType = 'application/json' | 'application/yaml';

export interface OutputFormat {
  readonly mediaType: OutputMediaType;
  readonly pretty: boolean;
}

const JSON_TYPE = 'application/json';
const YAML_TYPE = 'application/yaml';
const PROTOBUF_TYPE = 'application/vnd.kubernetes.protobuf';

const formats = new WeakMap<ServerResponse, OutputFormat>();

/** negotiation.NewNotAcceptableError. */
const notAcceptable = (accepted: readonly string[]): StatusError =>
  new StatusError(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);

/** isPrettyPrint: `pretty` as strconv.ParseBool reads it, else the User-Agent of a person's tool. */
function isPrettyPrint(request: IncomingMessage, query: URLSearchParams): boolean {
  const pretty = query.get('pretty');
  if (pretty) return goParseBool(pretty);
  const userAgent = request.headers['user-agent'] ?? '';
  return userAgent.startsWith('curl') || userAgent.startsWith('Wget') || userAgent.startsWith('Mozilla/5.0');
}

/** The media types of an Accept header, most wanted first (q=0 dropped), as goautoneg orders them. */
function acceptedRanges(accept: string): string[] {
  return accept
    .split(',')
    .map((part, order) => {
      const [range, ...params] = part.split(';').map((piece) => piece.trim());
      const q = params.find((param) => param.startsWith('q='));
      return { range: range.toLowerCase(), q: q ? Number(q.slice(2)) : 1, order };
    })
    .filter((entry) => entry.range !== '' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order)
    .map((entry) => entry.range);
}

/**
 * Chooses the answer's format for a resource request and keeps it with the response; throws 406
 * when the Accept header names nothing the endpoint serves. A watch streams JSON only (YAML has no
 * stream serializer); custom resources have no protobuf.
 */
export function negotiateOutput(
  request: IncomingMessage,
  response: ServerResponse,
  query: URLSearchParams,
  options: { isWatch: boolean; isCustomResource: boolean },
): void {
  const served = [
    JSON_TYPE,
    ...(options.isWatch ? [] : [YAML_TYPE]),
    ...(options.isCustomResource ? [] : [PROTOBUF_TYPE]),
  ];
  const accept = request.headers.accept ?? '';
  let mediaType: OutputMediaType | undefined = accept.trim() === '' ? JSON_TYPE : undefined;
  for (const range of acceptedRanges(accept)) {
    if (mediaType) break;
    if (range === YAML_TYPE && served.includes(YAML_TYPE)) mediaType = YAML_TYPE;
    else if (
      range === JSON_TYPE ||
      range === '*/*' ||
      range === 'application/*' ||
      (range === PROTOBUF_TYPE && served.includes(PROTOBUF_TYPE))
    )
      mediaType = JSON_TYPE;
  }
  if (!mediaType) throw notAcceptable(served);
  formats.set(response, { mediaType, pretty: isPrettyPrint(request, query) });
}

/** The body and content type an answer is written with: JSON unless negotiation chose otherwise. */
export function encodeAnswer(
  response: ServerResponse,
  body: unknown,
  contentType: string,
): { text: string; contentType: string } {
  const format = formats.get(response);
  if (format?.mediaType === YAML_TYPE) {
    // The YAML serializer converts the JSON (sigs.k8s.io/yaml JSONToYAML), whose keys come out sorted.
    return {
      text: yaml.dump(JSON.parse(JSON.stringify(body)), {
        sortKeys: true,
        lineWidth: -1,
        noRefs: true,
        noArrayIndent: true,
        quotingType: '"',
      }),
      contentType: YAML_TYPE,
    };
  }
  // Pretty is json.MarshalIndent(obj, "", "  "), written without a newline after it.
  return { text: format?.pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body), contentType };
}

/** Whether the answer must be encoded whole (YAML, indented JSON) rather than streamed as compact JSON. */
export function needsWholeEncoding(response: ServerResponse): boolean {
  const format = formats.get(response);
  return format !== undefined && (format.mediaType !== JSON_TYPE || format.pretty);
}

/**
 * A create or update body in YAML (`Content-Type: application/yaml`), turned into the JSON the
 * decoder reads, as the YAML serializer does (yaml.YAMLToJSON) before decoding.
 */
export function requestBodyAsJson(body: string, contentType: string | undefined): string {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType !== YAML_TYPE) return body;
  let value: unknown;
  try {
    value = yaml.load(body);
  } catch (error) {
    const reason = error instanceof yaml.YAMLException ? `line ${error.mark.line + 1}: ${error.reason}` : String(error);
    throw new StatusError(400, 'BadRequest', `error converting YAML to JSON: yaml: ${reason}`);
  }
  return JSON.stringify(value ?? null);
}
