// A client's ApiVersions, answered by the proxy itself with the versions it carries (api-versions.ts)
// and, as Kafka does, UNSUPPORTED_VERSION with a v0 body for a version above its own, and
// INVALID_REQUEST for a malformed v3+ client software name or version (KIP-511).

import { ErrorCodes } from "../protocol/errors.ts";
import { decodeRequest, encodeResponse } from "../protocol/frame.ts";
import { ApiVersionsApi, type ApiVersionsRequest, type ApiVersionsResponse, type ApiVersionsResponseApiVersion } from "../protocol/generated/api-versions.ts";
import { API_VERSIONS_KEY } from "../protocol/header.ts";
import type { ProxyVersions } from "./api-versions.ts";

const SOFTWARE = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

const OWN: ApiVersionsResponseApiVersion = { apiKey: API_VERSIONS_KEY, minVersion: ApiVersionsApi.minVersion, maxVersion: ApiVersionsApi.maxVersion };

function response(errorCode: number, apiKeys: ApiVersionsResponseApiVersion[]): ApiVersionsResponse {
  return { errorCode, apiKeys, throttleTimeMs: 0, supportedFeatures: [], finalizedFeaturesEpoch: -1n, finalizedFeatures: [], zkMigrationReady: false };
}

/** The response frame (size prefix included), or null when the request cannot be read (its connection closes). */
export function answerApiVersions(frame: Uint8Array, versions: ProxyVersions): Uint8Array | null {
  const decoded = decodeRequest(frame, (apiKey) => (apiKey === API_VERSIONS_KEY ? ApiVersionsApi : undefined));
  if (!decoded.ok) {
    const header = decoded.header;
    if (header === undefined || header.apiVersion <= ApiVersionsApi.maxVersion) return null;
    return encodeResponse(ApiVersionsApi, 0, header.correlationId, response(ErrorCodes.UNSUPPORTED_VERSION, [OWN]));
  }
  const { apiVersion, correlationId } = decoded.header;
  const request = decoded.body as ApiVersionsRequest;
  if (apiVersion >= 3 && !(SOFTWARE.test(request.clientSoftwareName) && SOFTWARE.test(request.clientSoftwareVersion))) {
    return encodeResponse(ApiVersionsApi, apiVersion, correlationId, response(ErrorCodes.INVALID_REQUEST, []));
  }
  const apiKeys = [...versions].map(([apiKey, { min, max }]) => ({ apiKey, minVersion: min, maxVersion: max }));
  apiKeys.push(OWN);
  apiKeys.sort((a, b) => a.apiKey - b.apiKey);
  return encodeResponse(ApiVersionsApi, apiVersion, correlationId, response(ErrorCodes.NONE, apiKeys));
}
