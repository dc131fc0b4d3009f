// Fault injection for the test S3 server. Probabilities are per request and drawn independently;
// everything can be changed while the server runs.

export type Operation = "PutObject" | "GetObject" | "HeadObject" | "DeleteObject" | "ListObjectsV2";

export interface FaultPlan {
  /** Milliseconds added to each request, for every operation or per operation. */
  latencyMs?: number | Partial<Record<Operation, number>>;
  /** Extra random latency, uniform in [0, jitterMs). */
  jitterMs?: number;
  /** Share of requests answered 500 InternalError or 503 SlowDown (half each), before any effect. */
  errorRate?: number;
  /** Share of conditional PUTs answered 412 PreconditionFailed whatever their condition ("412 storms"). */
  preconditionStormRate?: number;
  /** Share of conditional PUTs answered 409 ConditionalRequestConflict (AWS: a concurrent conditional write). */
  conflictRate?: number;
  /** Share of requests whose connection is cut before the request takes effect. */
  dropBeforeRate?: number;
  /** Share of PUTs and DELETEs that take effect but whose connection is cut before the answer. */
  dropAfterRate?: number;
  /** Only these operations are affected by the rates above (default: all). */
  operations?: readonly Operation[];
}

export type Fault = "error-500" | "error-503" | "precondition" | "conflict" | "drop-before" | "drop-after";

export class Faults {
  private plan: FaultPlan = {};
  readonly injected = new Map<Fault, number>();

  set(plan: FaultPlan): void {
    this.plan = { ...plan };
  }

  clear(): void {
    this.plan = {};
  }

  latency(op: Operation): number {
    const { latencyMs = 0, jitterMs = 0 } = this.plan;
    const base = typeof latencyMs === "number" ? latencyMs : (latencyMs[op] ?? 0);
    return base + (jitterMs > 0 ? Math.random() * jitterMs : 0);
  }

  /** The fault to inject into this request before it takes effect, if any. */
  before(op: Operation, conditional: boolean): Fault | null {
    if (!this.applies(op)) return null;
    const p = this.plan;
    if (this.draw(p.dropBeforeRate)) return this.count("drop-before");
    if (this.draw(p.errorRate)) return this.count(Math.random() < 0.5 ? "error-500" : "error-503");
    if (conditional && this.draw(p.preconditionStormRate)) return this.count("precondition");
    if (conditional && this.draw(p.conflictRate)) return this.count("conflict");
    return null;
  }

  /** Whether to cut the connection after a write took effect. */
  dropAfter(op: Operation): boolean {
    if (!this.applies(op) || (op !== "PutObject" && op !== "DeleteObject")) return false;
    return this.draw(this.plan.dropAfterRate) && this.count("drop-after") !== null;
  }

  private applies(op: Operation): boolean {
    return this.plan.operations === undefined || this.plan.operations.includes(op);
  }

  private draw(rate: number | undefined): boolean {
    return rate !== undefined && rate > 0 && Math.random() < rate;
  }

  private count(fault: Fault): Fault {
    this.injected.set(fault, (this.injected.get(fault) ?? 0) + 1);
    return fault;
  }
}
