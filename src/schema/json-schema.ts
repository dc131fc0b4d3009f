// JSON Schema (TOPIC.json): an object schema whose properties.key and/or properties.value describe
// each part; a record's key or value is UTF-8 JSON text. The root's `required` lists the parts a
// record must carry. Draft 7 (also when $schema is absent) or 2020-12, chosen by $schema; `$ref`s
// may point anywhere in the file. `format` is not checked (ajv-formats is not a dependency).

import type AjvCore from "ajv/dist/core.js";
import type { ErrorObject } from "ajv";
import type { PartSchema, RecordPart } from "./types.ts";

const DRAFT_7 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;
const DRAFT_2020_12 = /^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/;
/** The key the whole file is registered under, so each part compiles as a $ref into it. */
const ROOT = "tansu:topic-schema";

const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

async function validatorFor(draft: unknown): Promise<AjvCore> {
  // ajv knows no formats without ajv-formats; unchecked, they would each log "unknown format"
  const options = { strict: false, allErrors: false, validateFormats: false };
  if (draft === undefined || (typeof draft === "string" && DRAFT_7.test(draft))) {
    const { Ajv } = await import("ajv");
    return new Ajv(options);
  }
  if (typeof draft === "string" && DRAFT_2020_12.test(draft)) {
    const { Ajv2020 } = await import("ajv/dist/2020.js");
    return new Ajv2020(options);
  }
  throw new Error(`$schema ${JSON.stringify(draft)} is not supported (use draft-07 or 2020-12)`);
}

function describe(errors: readonly ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  return e === undefined ? "does not match the schema" : `${e.instancePath === "" ? "" : `${e.instancePath} `}${e.message ?? "does not match the schema"}`;
}

function part(ajv: AjvCore, root: Record<string, unknown>, name: RecordPart, required: boolean): PartSchema {
  const validate = ajv.compile({ $ref: `${ROOT}#/properties/${name}` });
  const parse = (bytes: Uint8Array): unknown => JSON.parse(utf8.decode(bytes));
  return {
    required,
    definition: { format: "json", root, pointer: `/properties/${name}` },
    check(bytes) {
      let json: unknown;
      try {
        json = parse(bytes);
      } catch (e) {
        return `not JSON: ${e instanceof Error ? e.message : String(e)}`;
      }
      return validate(json) ? null : describe(validate.errors);
    },
    encode(json) {
      if (!validate(json)) throw new Error(describe(validate.errors));
      return encoder.encode(JSON.stringify(json));
    },
    decode: parse,
  };
}

export async function compileJsonSchema(text: string): Promise<{ key: PartSchema | null; value: PartSchema | null }> {
  const root: unknown = JSON.parse(text);
  if (!isObject(root)) throw new Error("expected a JSON Schema object");
  const ajv = await validatorFor(root.$schema);
  ajv.addSchema(root, ROOT);
  const properties = isObject(root.properties) ? root.properties : {};
  const required = Array.isArray(root.required) ? root.required : [];
  const make = (name: RecordPart) => (name in properties ? part(ajv, root, name, required.includes(name)) : null);
  const parts = { key: make("key"), value: make("value") };
  if (parts.key === null && parts.value === null) throw new Error("the schema has neither properties.key nor properties.value");
  return parts;
}
