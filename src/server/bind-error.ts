// A listener that cannot bind says which address and why, in one line.

/** The error a failed Bun.listen/Bun.serve on `host:port` becomes: EADDRINUSE named plainly. */
export function bindError(e: unknown, what: string, host: string, port: number): Error {
  const code = (e as { code?: unknown } | null)?.code;
  const address = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  if (code === "EADDRINUSE") return new Error(`${what}: ${address} is already in use`);
  if (code === "EACCES") return new Error(`${what}: no permission to listen on ${address}`);
  return new Error(`${what}: cannot listen on ${address}: ${e instanceof Error ? e.message : String(e)}`);
}
