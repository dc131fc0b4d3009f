import { describe, expect, test } from "bun:test";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import type { ProducerIdRequest } from "../../src/storage/engine.ts";
import { initIdempotent, initTransactional, type TransactionalProducer } from "../../src/storage/producer-ids.ts";

const request = (overrides: Partial<ProducerIdRequest> = {}): ProducerIdRequest => ({
  transactionalId: "tx",
  transactionTimeoutMs: 60_000,
  producerId: -1,
  producerEpoch: -1,
  ...overrides,
});

const exhausted: TransactionalProducer = {
  producerId: 10,
  producerEpoch: 32766,
  lastProducerId: -1,
  lastProducerEpoch: -1,
  transactionTimeoutMs: 60_000,
};

describe("InitProducerId decisions", () => {
  test("a transactional id at the last usable epoch moves to a new producer id", () => {
    const result = initTransactional(exhausted, request(), () => 11);
    const producer = { ...exhausted, producerId: 11, producerEpoch: 0, lastProducerId: 10 };
    expect(result).toEqual({ errorCode: 0, producer });
  });

  test("a producer retrying that rotation is answered, not fenced", () => {
    const rotated = initTransactional(exhausted, request({ producerId: 10, producerEpoch: 32766 }), () => 11);
    if (rotated.errorCode !== 0) throw new Error("rotation failed");
    expect(rotated.producer).toMatchObject({ producerId: 11, producerEpoch: 0, lastProducerEpoch: 32766 });
    const retry = initTransactional(rotated.producer, request({ producerId: 10, producerEpoch: 32766 }), () => 12);
    expect(retry).toEqual({ errorCode: 0, producer: rotated.producer });
  });

  test("the epoch below the last usable one still bumps in place", () => {
    const result = initTransactional({ ...exhausted, producerEpoch: 32765 }, request(), () => 11);
    expect(result).toMatchObject({ errorCode: 0, producer: { producerId: 10, producerEpoch: 32766 } });
  });

  test("only one of producerId and producerEpoch set is INVALID_REQUEST", () => {
    const invalid = { errorCode: ErrorCodes.INVALID_REQUEST };
    expect(initTransactional(exhausted, request({ producerId: 10 }), () => 11)).toEqual(invalid);
    expect(initIdempotent(request({ transactionalId: null, producerEpoch: 3 }), undefined, () => 11)).toEqual(invalid);
  });

  test("an idempotent producer at the last usable epoch gets a fresh id", () => {
    const reinit = request({ transactionalId: null, producerId: 10, producerEpoch: 32766 });
    const result = initIdempotent(reinit, 32766, () => 11);
    expect(result).toEqual({ errorCode: 0, producerId: 11, producerEpoch: 0 });
  });
});
