// The responses that name brokers, decoded, rewritten to the proxy's addresses and encoded again
// under the client's correlation id. Every other response passes through unread.

import type { ApiMessages } from "../protocol/api.ts";
import { decodeResponse, encodeResponse } from "../protocol/frame.ts";
import { DescribeClusterApi } from "../protocol/generated/describe-cluster.ts";
import { FindCoordinatorApi } from "../protocol/generated/find-coordinator.ts";
import { MetadataApi } from "../protocol/generated/metadata.ts";
import type { Advertise } from "./advertise.ts";
import { rewriteCluster } from "./rewrite-cluster.ts";
import { rewriteCoordinator } from "./rewrite-coordinator.ts";
import { rewriteMetadata } from "./rewrite-metadata.ts";

/** An upstream response the proxy cannot read: its client's connection closes. */
export class UpstreamResponseError extends Error {
  override name = "UpstreamResponseError";
}

/** The client's response frame (size prefix included) from the upstream's (without). */
export type Rewrite = (frame: Uint8Array, version: number, correlationId: number, advertise: Advertise) => Uint8Array;

function rewriting<Response>(api: ApiMessages<unknown, Response>, rewrite: (response: Response, version: number, advertise: Advertise) => Response): Rewrite {
  return (frame, version, correlationId, advertise) => {
    const decoded = decodeResponse(api, version, frame);
    if (!decoded.ok) throw new UpstreamResponseError(`${api.name} v${version} response: ${decoded.error.message}`);
    return encodeResponse(api, version, correlationId, rewrite(decoded.body, version, advertise));
  };
}

export const REWRITES: ReadonlyMap<number, Rewrite> = new Map([
  [MetadataApi.apiKey, rewriting(MetadataApi, rewriteMetadata)],
  [FindCoordinatorApi.apiKey, rewriting(FindCoordinatorApi, rewriteCoordinator)],
  [DescribeClusterApi.apiKey, rewriting(DescribeClusterApi, rewriteCluster)],
]);
