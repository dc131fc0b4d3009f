// Metadata's brokers, as clients see them through the proxy: each at its proxy address, node ids
// unchanged; a node left out is dropped (its partitions then have a leader clients cannot reach,
// which they treat as leader-not-available and retry).

import type { MetadataResponse } from "../protocol/generated/metadata.ts";
import type { Advertise } from "./advertise.ts";

export function rewriteMetadata(response: MetadataResponse, _version: number, advertise: Advertise): MetadataResponse {
  const brokers = response.brokers.flatMap((b) => {
    const to = advertise(b.nodeId, { host: b.host, port: b.port });
    return to === null ? [] : [{ ...b, host: to.host, port: to.port }];
  });
  return { ...response, brokers };
}
