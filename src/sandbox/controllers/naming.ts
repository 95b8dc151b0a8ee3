// Names the controllers give the objects they create, the way kube-controller-manager does:
// pod-template-hash (FNV-32a, then rand.SafeEncodeString), GKE-like node names, ordinal names.
import { createHash } from 'node:crypto';

/** k8s.io/apimachinery/pkg/util/rand's alphabet: no vowels, no 0/1/3 (no words, no look-alikes). */
export const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString: each character mapped into the safe alphabet. */
export function safeEncodeString(value: string): string {
  let encoded = '';
  for (let i = 0; i < value.length; i++) encoded += SAFE_ALPHABET[value.charCodeAt(i) % SAFE_ALPHABET.length];
  return encoded;
}

/** FNV-32a, the hash controller.ComputeHash feeds the pod template through. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * Go's encoding/json of a map: keys sorted, so equal templates give equal bytes (and hash equally)
 * whatever order the manifest used.
 */
export function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${sortedJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** controller.ComputeHash: 8 to 10 safe characters (the decimal digits of a uint32, encoded). */
export function podTemplateHash(template: unknown, collisionCount = 0): string {
  const hash = fnv32a(sortedJson(template) + (collisionCount ? String(collisionCount) : ''));
  return safeEncodeString(String(hash));
}

/** `gke-istio-lab-default-pool-<8 hex>-<4 chars>`: one instance-group id, one suffix per node. */
export function gkeNodeNames(count: number, seed: string): string[] {
  const group = createHash('sha256').update(seed).digest('hex').slice(0, 8);
  return Array.from({ length: count }, (_, i) => {
    const digest = createHash('sha256').update(`${seed}/${i}`).digest();
    let suffix = '';
    for (let j = 0; j < 4; j++) suffix += 'abcdefghijklmnopqrstuvwxyz0123456789'[digest[j] % 36];
    return `gke-istio-lab-default-pool-${group}-${suffix}`;
  });
}

/** A container or image id that looks like the docker runtime's: 64 hex digits from a seed. */
export function hexId(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}
