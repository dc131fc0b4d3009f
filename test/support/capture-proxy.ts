// A loopback proxy that records every complete request and response frame passing between clients
// and a broker, each with its API key and version (responses matched to requests by correlation id).
// Set `scenario` before running a client to tag the frames it causes.

import { type FrameInfo, type FrameProxy, startFrameProxy } from "./frame-proxy.ts";

export interface CapturedFrame extends FrameInfo {
  direction: "request" | "response";
  /** The scenario that was current when the frame passed. */
  scenario: string;
  /** The whole frame, size prefix included. */
  bytes: Uint8Array;
}

export interface CaptureProxy extends FrameProxy {
  /** Tags frames captured from now on. */
  scenario: string;
  readonly frames: readonly CapturedFrame[];
}

export function startCaptureProxy(): CaptureProxy {
  const frames: CapturedFrame[] = [];
  let scenario = "";
  const proxy = startFrameProxy({
    request(bytes, info) {
      frames.push({ ...info, direction: "request", scenario, bytes });
    },
    response(bytes, info) {
      frames.push({ ...info, direction: "response", scenario, bytes });
      return "forward";
    },
  });
  return {
    port: proxy.port,
    bootstrap: proxy.bootstrap,
    setTarget: (port) => proxy.setTarget(port),
    stop: () => proxy.stop(),
    get scenario() {
      return scenario;
    },
    set scenario(value: string) {
      scenario = value;
    },
    frames,
  };
}
