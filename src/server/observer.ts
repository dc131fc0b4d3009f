// What the server reports about its work, for metrics. Implementations must be cheap: they run on
// every connection and request.

export interface ServerObserver {
  connectionOpened(): void;
  connectionClosed(): void;
  /**
   * A request a handler ran. `response` is what the handler returned (null: no response, as for
   * acks=0) or undefined when the handler failed; `seconds` is the time from dispatch to the answer.
   */
  requestHandled(apiKey: number, apiName: string, version: number, request: unknown, response: unknown, seconds: number): void;
}
