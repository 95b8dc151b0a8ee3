// Boolean query parameters (`watch`, `follow`, `stdout`, `dryRun`'s neighbours…) read as the API
// server decodes them into its option structs: kubernetes/kubernetes v1.13
// staging/src/k8s.io/apimachinery/pkg/runtime/conversion.go, Convert_Slice_string_To_bool. Only an
// absent parameter, `false` or `0` (any case) is false; every other value, the empty one included,
// is true — so the Python client's `watch=True` and `follow=True` mean what they say.

export function queryFlag(query: URLSearchParams, name: string): boolean {
  const values = query.getAll(name);
  if (values.length === 0) return false;
  const value = values[0].toLowerCase();
  return value !== 'false' && value !== '0';
}

/**
 * Go's strconv.ParseBool, which `pretty` is read with instead (isPrettyPrint, v1.13
 * staging/src/k8s.io/apiserver/pkg/endpoints/handlers/negotiation/negotiate.go): `1`, `t`, `true`
 * in three spellings are true; anything it cannot parse is false.
 */
export function goParseBool(value: string): boolean {
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value);
}
