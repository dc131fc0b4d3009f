import type { Reader, Writer } from "./primitives.ts";

/** The request and response codecs of one Kafka API, for every version it has. */
export interface ApiMessages<Request, Response> {
  readonly apiKey: number;
  /** Kafka's name for the API, e.g. "Produce". */
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** The first version using flexible encoding (request header v2, response header v1). */
  readonly firstFlexibleVersion: number;
  readRequest(r: Reader, version: number): Request;
  writeRequest(w: Writer, v: Request, version: number): void;
  readResponse(r: Reader, version: number): Response;
  writeResponse(w: Writer, v: Response, version: number): void;
}
