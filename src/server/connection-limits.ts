// Kafka's max.connections and max.connections.per.ip: a connection beyond either is closed as it opens.

export interface ConnectionLimitsConfig {
  maxConnections: number;
  maxConnectionsPerIp: number;
}

export class ConnectionLimits {
  private readonly perIp = new Map<string, number>();
  private open = 0;

  constructor(private readonly limits: ConnectionLimitsConfig) {}

  /** Why a new connection from `peer` is refused, or null: then it counts until closed(peer). */
  admit(peer: string): string | null {
    const { maxConnections, maxConnectionsPerIp } = this.limits;
    if (this.open >= maxConnections) return `max.connections ${maxConnections} reached`;
    if ((this.perIp.get(peer) ?? 0) >= maxConnectionsPerIp) return `max.connections.per.ip ${maxConnectionsPerIp} reached for ${peer}`;
    this.open++;
    this.perIp.set(peer, (this.perIp.get(peer) ?? 0) + 1);
    return null;
  }

  closed(peer: string): void {
    this.open--;
    const n = (this.perIp.get(peer) ?? 1) - 1;
    if (n === 0) this.perIp.delete(peer);
    else this.perIp.set(peer, n);
  }
}
