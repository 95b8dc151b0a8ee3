// The sandbox's bearer token authenticator: reads the token as the apiserver does and compares it
// with the cluster's token in constant time, so response timing tells an attacker nothing about
// how much of a guess was right, nor how long the real token is.
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The token of an `Authorization: Bearer <token>` header, read as kubernetes/kubernetes
 * staging/src/k8s.io/apiserver/pkg/authentication/request/bearertoken/bearertoken.go reads it:
 * trimmed, split on spaces, the scheme case-insensitive, the token the word after it.
 */
export function bearerToken(header: string | undefined): string | undefined {
  const parts = (header ?? '').trim().split(' ');
  if (parts.length < 2 || parts[0].toLowerCase() !== 'bearer' || parts[1] === '') return undefined;
  return parts[1];
}

/** SHA-256 first: timingSafeEqual needs equal lengths, and digests have one whatever was sent. */
const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Whether the request's Authorization header carries `expected`; the comparison takes the same time however much matches. */
export function hasBearerToken(header: string | undefined, expected: string): boolean {
  const presented = bearerToken(header);
  // A missing token is still compared, against a value that cannot match, so it takes the same path.
  const isEqual = timingSafeEqual(digest(presented ?? ''), digest(expected));
  return presented !== undefined && isEqual;
}
