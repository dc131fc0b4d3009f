// FindCoordinator's coordinators at their proxy addresses: v0–3 name one node at the top level,
// v4+ one per key in `coordinators`. An answer with an error names no node and is left alone; a
// coordinator left out becomes COORDINATOR_NOT_AVAILABLE (retriable: the client asks again).

import { ErrorCodes } from "../protocol/errors.ts";
import type { FindCoordinatorResponse } from "../protocol/generated/find-coordinator.ts";
import type { Advertise } from "./advertise.ts";

interface Coordinator {
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

function rewrite<C extends Coordinator>(c: C, advertise: Advertise): C {
  if (c.errorCode !== ErrorCodes.NONE) return c;
  const to = advertise(c.nodeId, { host: c.host, port: c.port });
  if (to === null) return { ...c, errorCode: ErrorCodes.COORDINATOR_NOT_AVAILABLE, errorMessage: `the proxy has no port for node ${c.nodeId}`, nodeId: -1, host: "", port: -1 };
  return { ...c, host: to.host, port: to.port };
}

export function rewriteCoordinator(response: FindCoordinatorResponse, version: number, advertise: Advertise): FindCoordinatorResponse {
  if (version >= 4) return { ...response, coordinators: response.coordinators.map((c) => rewrite(c, advertise)) };
  return rewrite(response, advertise);
}
