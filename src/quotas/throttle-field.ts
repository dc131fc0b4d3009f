/**
 * The response with `throttleTimeMs` set, for every API whose response has the field (versions
 * without it do not write it); other responses unchanged. A copy: handlers may share responses.
 */
export function withThrottleTime<R>(response: R, throttleTimeMs: number): R {
  if (typeof response !== "object" || response === null || !("throttleTimeMs" in response)) return response;
  return { ...response, throttleTimeMs };
}
