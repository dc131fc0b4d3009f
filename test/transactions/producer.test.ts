import { describe, expect, test } from "bun:test";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import type { ProducerIdRequest } from "../../src/storage/engine.ts";
import { initIdempotent } from "../../src/storage/producer-ids.ts";
import { nextProducer, type ProducerFields } from "../../src/transactions/producer.ts";

const request = (overrides: Partial<ProducerIdRequest> = {}): ProducerIdRequest => ({ producerId: -1, producerEpoch: -1, ...overrides });

const exhausted: ProducerFields = { producerId: 10, producerEpoch: 32766, lastProducerId: -1, lastProducerEpoch: -1 };

describe("InitProducerId decisions", () => {
  test("a transactional id seen the first time gets the allocated id at epoch 0", () => {
    expect(nextProducer(undefined, request(), () => 7)).toEqual({ errorCode: 0, producer: { producerId: 7, producerEpoch: 0, lastProducerId: -1, lastProducerEpoch: -1 } });
  });

  test("each init bumps the epoch of the same producer id; KIP-360 with the held epoch too, a stale one is fenced", () => {
    const first = { producerId: 3, producerEpoch: 4, lastProducerId: -1, lastProducerEpoch: -1 };
    expect(nextProducer(first, request(), () => 99)).toMatchObject({ errorCode: 0, producer: { producerId: 3, producerEpoch: 5 } });
    const bumped = nextProducer(first, request({ producerId: 3, producerEpoch: 4 }), () => 99);
    if (bumped.errorCode !== 0) throw new Error("bump failed");
    expect(bumped.producer).toEqual({ producerId: 3, producerEpoch: 5, lastProducerId: -1, lastProducerEpoch: 4 });
    // a retry of that call (the answer was lost) gets the same epoch
    expect(nextProducer(bumped.producer, request({ producerId: 3, producerEpoch: 4 }), () => 99)).toEqual(bumped);
    expect(nextProducer(bumped.producer, request({ producerId: 3, producerEpoch: 2 }), () => 99)).toEqual({ errorCode: ErrorCodes.PRODUCER_FENCED });
    expect(nextProducer(bumped.producer, request({ producerId: 4, producerEpoch: 5 }), () => 99)).toEqual({ errorCode: ErrorCodes.PRODUCER_FENCED });
  });

  test("a transactional id at the last usable epoch moves to a new producer id", () => {
    expect(nextProducer(exhausted, request(), () => 11)).toEqual({ errorCode: 0, producer: { producerId: 11, producerEpoch: 0, lastProducerId: 10, lastProducerEpoch: -1 } });
  });

  test("a producer retrying that rotation is answered, not fenced", () => {
    const rotated = nextProducer(exhausted, request({ producerId: 10, producerEpoch: 32766 }), () => 11);
    if (rotated.errorCode !== 0) throw new Error("rotation failed");
    expect(rotated.producer).toMatchObject({ producerId: 11, producerEpoch: 0, lastProducerEpoch: 32766 });
    expect(nextProducer(rotated.producer, request({ producerId: 10, producerEpoch: 32766 }), () => 12)).toEqual(rotated);
  });

  test("the epoch below the last usable one still bumps in place", () => {
    expect(nextProducer({ ...exhausted, producerEpoch: 32765 }, request(), () => 11)).toMatchObject({ errorCode: 0, producer: { producerId: 10, producerEpoch: 32766 } });
  });

  test("only one of producerId and producerEpoch set is INVALID_REQUEST", () => {
    const invalid = { errorCode: ErrorCodes.INVALID_REQUEST };
    expect(nextProducer(exhausted, request({ producerId: 10 }), () => 11)).toEqual(invalid);
    expect(initIdempotent(request({ producerEpoch: 3 }), undefined, () => 11)).toEqual(invalid);
  });

  test("an idempotent producer at the last usable epoch gets a fresh id", () => {
    expect(initIdempotent(request({ producerId: 10, producerEpoch: 32766 }), 32766, () => 11)).toEqual({ errorCode: 0, producerId: 11, producerEpoch: 0 });
  });
});
