// DescribeCluster's brokers, as clients see them through the proxy: each at its proxy address,
// broker ids unchanged; a node left out is dropped.

import type { DescribeClusterResponse } from "../protocol/generated/describe-cluster.ts";
import type { Advertise } from "./advertise.ts";

export function rewriteCluster(response: DescribeClusterResponse, _version: number, advertise: Advertise): DescribeClusterResponse {
  const brokers = response.brokers.flatMap((b) => {
    const to = advertise(b.brokerId, { host: b.host, port: b.port });
    return to === null ? [] : [{ ...b, host: to.host, port: to.port }];
  });
  return { ...response, brokers };
}
