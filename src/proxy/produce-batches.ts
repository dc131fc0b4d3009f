// --produce-linger-ms: the proxy's lanes of coalesced Produce requests (produce-lane.ts), one per
// upstream broker, version, acks and timeout, made when a request needs one and dropped when idle.
// Each broker's lanes share one upstream connection of their own, opened on first use and again
// after it closes.

import { type Address, formatAddress } from "../client/address.ts";
import type { ProduceRequest } from "../protocol/generated/produce.ts";
import type { RequestPrefix } from "./peek.ts";
import { ProduceEntry } from "./produce-entry.ts";
import { type LaneSettings, ProduceLane } from "./produce-lane.ts";
import type { Upstream } from "./upstream.ts";

export class ProduceBatches {
  private readonly lanes = new Map<string, ProduceLane>();
  private readonly connections = new Map<string, Promise<Upstream>>();
  private clients = 0;

  constructor(
    private readonly settings: LaneSettings,
    private readonly open: (address: Address) => Promise<Upstream>,
  ) {}

  /** A number telling one client connection's batches from another's. */
  newClient(): number {
    return this.clients++;
  }

  /** Names the lane a request goes in: requests in different lanes may reach the broker in any order. */
  laneKey(address: Address, version: number, { acks, timeoutMs }: ProduceRequest): string {
    return `${formatAddress(address)} v${version} acks=${acks} timeout=${timeoutMs}`;
  }

  /** The client's response frame (size prefix included). */
  produce(client: number, address: Address, request: ProduceRequest, prefix: RequestPrefix): Promise<Uint8Array> {
    const key = this.laneKey(address, prefix.apiVersion, request);
    let lane = this.lanes.get(key);
    if (lane === undefined) {
      const made = new ProduceLane({ version: prefix.apiVersion, acks: request.acks, timeoutMs: request.timeoutMs }, this.settings, () => this.upstream(address), () => {
        if (this.lanes.get(key) === made) this.lanes.delete(key);
      });
      this.lanes.set(key, made);
      lane = made;
    }
    const entry = new ProduceEntry(client, request, prefix);
    lane.produce(entry);
    return entry.response;
  }

  withdraw(client: number): void {
    for (const lane of [...this.lanes.values()]) lane.withdraw(client);
  }

  /** Fails whatever waits; the upstream connections close with the proxy's pool. */
  close(e: Error): void {
    for (const lane of this.lanes.values()) lane.close(e);
    this.lanes.clear();
    this.connections.clear();
  }

  /** The same promise for every caller until the connection closes: requests go on it in call order. */
  private upstream(address: Address): Promise<Upstream> {
    const key = formatAddress(address);
    const known = this.connections.get(key);
    if (known !== undefined) return known;
    const opening = this.open(address);
    this.connections.set(key, opening);
    const forget = () => {
      if (this.connections.get(key) === opening) this.connections.delete(key);
    };
    opening.then((u) => u.onClose(forget), forget);
    return opening;
  }
}
