// ApiVersions negotiation: per API, the highest version both the broker and our codec support.

import type { ApiMessages } from "../protocol/api.ts";
import { ErrorCodes } from "../protocol/errors.ts";
import { ApiVersionsApi } from "../protocol/generated/api-versions.ts";
import { API_VERSIONS_KEY } from "../protocol/header.ts";
import type { BrokerConnection } from "./connection.ts";
import { check, ClientError } from "./errors.ts";

export const CLIENT_SOFTWARE_NAME = "tansu-cli";
export const CLIENT_SOFTWARE_VERSION = "0.1.0";

export interface VersionRange {
  min: number;
  max: number;
}

/** The broker's version range per API key. */
export type BrokerVersions = ReadonlyMap<number, VersionRange>;

/** The version to use, or null when the broker and the codec (capped at `cap`) share none. */
export function negotiate(api: ApiMessages<unknown, unknown>, broker: BrokerVersions, cap = api.maxVersion): number | null {
  const range = broker.get(api.apiKey);
  if (range === undefined) return null;
  const max = Math.min(range.max, api.maxVersion, cap);
  return max >= Math.max(range.min, api.minVersion) ? max : null;
}

/** Asks with our highest ApiVersions version; a broker that knows less says which it knows. */
export async function brokerVersions(connection: BrokerConnection): Promise<BrokerVersions> {
  let version = ApiVersionsApi.maxVersion;
  for (;;) {
    let response;
    try {
      response = await connection.request(ApiVersionsApi, version, { clientSoftwareName: CLIENT_SOFTWARE_NAME, clientSoftwareVersion: CLIENT_SOFTWARE_VERSION });
    } catch (e) {
      // an answer in neither our version's layout nor v0's (librdkafka's mock cluster refusing
      // v4): ask again with v0, as librdkafka itself falls back
      if (!(e instanceof ClientError && e.code === "protocol") || version === 0) throw e;
      version = 0;
      continue;
    }
    const own = response.apiKeys.find((k) => k.apiKey === API_VERSIONS_KEY);
    if (response.errorCode === ErrorCodes.UNSUPPORTED_VERSION && own !== undefined && own.maxVersion < version && own.maxVersion >= 0) {
      version = own.maxVersion;
      continue;
    }
    check(response.errorCode, `ApiVersions v${version} to ${connection.name}`);
    return new Map(response.apiKeys.map((k) => [k.apiKey, { min: k.minVersion, max: k.maxVersion }]));
  }
}
