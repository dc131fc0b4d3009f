// Broker addresses: `host:port`, `[v6]:port`, comma-separated for a bootstrap list.

export interface Address {
  host: string;
  port: number;
}

export function parseAddress(value: string): Address | null {
  const m = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(value.trim());
  if (m === null) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host: m[1] ?? m[2] ?? "", port };
}

/** null when any entry is not an address. */
export function parseBootstrap(value: string): Address[] | null {
  const entries = value.split(",").filter((s) => s.trim() !== "");
  const addresses = entries.map(parseAddress);
  if (addresses.length === 0 || addresses.some((a) => a === null)) return null;
  return addresses as Address[];
}

export function formatAddress(a: Address): string {
  return a.host.includes(":") ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
