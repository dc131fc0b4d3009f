// A loopback TCP server that speaks just enough Kafka for client tests: it decodes each request
// with our codecs and hands it to the test, which answers with canned frames (or does not).

import type { Socket } from "bun";
import type { ApiMessages } from "../../src/protocol/api.ts";
import { decodeRequest, encodeResponse } from "../../src/protocol/frame.ts";
import { ApiVersionsApi, type ApiVersionsResponse, apisByKey } from "../../src/protocol/generated/index.ts";
import { FrameAssembler } from "../../src/protocol/frames.ts";

const UNSUPPORTED_VERSION = 35;

export interface FakeRequest {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  body: unknown;
}

export interface FakeConnection {
  /** Writes bytes as they are: a whole frame, part of one, or several. */
  write(bytes: Uint8Array): void;
  /** Encodes and writes a response to `request` at its version. */
  reply<Response>(request: FakeRequest, api: ApiMessages<unknown, Response>, body: Response): void;
  close(): void;
}

export interface FakeBroker {
  readonly port: number;
  readonly bootstrap: string;
  /** Every request received, in order. */
  readonly requests: FakeRequest[];
  stop(): void;
}

export type Ranges = readonly (readonly [apiKey: number, min: number, max: number])[];

export function apiVersionsBody(ranges: Ranges, errorCode = 0): ApiVersionsResponse {
  return {
    errorCode,
    apiKeys: ranges.map(([apiKey, minVersion, maxVersion]) => ({ apiKey, minVersion, maxVersion })),
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
}

/**
 * Answers ApiVersions with `ranges` itself (a version above its own range for key 18 as Kafka does:
 * a v0 body with UNSUPPORTED_VERSION); every other request goes to `onRequest`.
 */
export function fakeBroker(ranges: Ranges, onRequest: (request: FakeRequest, connection: FakeConnection) => void = () => {}): FakeBroker {
  const ownMax = ranges.find(([key]) => key === ApiVersionsApi.apiKey)?.[2] ?? ApiVersionsApi.maxVersion;
  const requests: FakeRequest[] = [];
  const server = Bun.listen<{ frames: FrameAssembler; connection: FakeConnection }>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(socket) {
        socket.data = { frames: new FrameAssembler(1 << 20), connection: connectionOf(socket) };
      },
      data(socket, chunk) {
        for (const frame of socket.data.frames.push(chunk).frames) {
          const decoded = decodeRequest(frame, (k) => apisByKey.get(k));
          if (!decoded.ok) throw decoded.error;
          const request = { apiKey: decoded.header.apiKey, apiVersion: decoded.header.apiVersion, correlationId: decoded.header.correlationId, body: decoded.body };
          requests.push(request);
          if (request.apiKey === ApiVersionsApi.apiKey && request.apiVersion > ownMax) {
            socket.write(encodeResponse(ApiVersionsApi, 0, request.correlationId, apiVersionsBody([[ApiVersionsApi.apiKey, 0, ownMax]], UNSUPPORTED_VERSION)));
          } else if (request.apiKey === ApiVersionsApi.apiKey) socket.data.connection.reply(request, ApiVersionsApi, apiVersionsBody(ranges));
          else onRequest(request, socket.data.connection);
        }
      },
    },
  });
  return { port: server.port, bootstrap: `127.0.0.1:${server.port}`, requests, stop: () => server.stop(true) };
}

function connectionOf(socket: Socket<unknown>): FakeConnection {
  return {
    write: (bytes) => void socket.write(bytes),
    reply(request, api, body) {
      socket.write(encodeResponse(api, request.apiVersion, request.correlationId, body));
    },
    close: () => socket.end(),
  };
}
