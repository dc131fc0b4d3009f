import type { Address } from "../client/address.ts";
import type { Endpoint } from "../config.ts";

/**
 * Notes that upstream node `nodeId` is at `upstream` (requests on the node's proxy port go there)
 * and returns the proxy address clients are told instead, or null when the node is left out.
 */
export type Advertise = (nodeId: number, upstream: Address) => Endpoint | null;
