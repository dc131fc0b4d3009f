// ApiVersions (key 18), v0–4. The response header is always v0 (see protocol/header.ts).
// v3+ checks the client's software name and version (KIP-511): INVALID_REQUEST otherwise.
// Deviation: no features are advertised (supportedFeatures/finalizedFeatures stay empty).
// Authorization: none; every client may ask, as in Kafka.

import { ErrorCodes } from "../protocol/errors.ts";
import { ApiVersionsApi, type ApiVersionsRequest, type ApiVersionsResponse } from "../protocol/generated/api-versions.ts";
import { defineHandler } from "./handler.ts";

const SOFTWARE = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export default defineHandler<ApiVersionsRequest, ApiVersionsResponse>({
  api: ApiVersionsApi,
  minVersion: 0,
  maxVersion: 4,
  handle(request, { broker, apiVersion }) {
    const base = { throttleTimeMs: 0, supportedFeatures: [], finalizedFeaturesEpoch: -1n, finalizedFeatures: [], zkMigrationReady: false };
    if (apiVersion >= 3 && !(SOFTWARE.test(request.clientSoftwareName) && SOFTWARE.test(request.clientSoftwareVersion))) {
      return { ...base, errorCode: ErrorCodes.INVALID_REQUEST, apiKeys: [] };
    }
    const apiKeys = broker.handlers.entries().map((e) => ({ apiKey: e.apiKey, minVersion: e.minVersion, maxVersion: e.maxVersion }));
    return { ...base, errorCode: ErrorCodes.NONE, apiKeys };
  },
});
