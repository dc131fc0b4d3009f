// The file:// and s3:// schema sources. The S3 one runs against a stub of GET and HEAD object
// (path-style, ETags, 404s), which is all the registry asks of S3.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { schemaDirectory } from "../../src/schema/file-source.ts";
import { openSchemaSource } from "../../src/schema/source.ts";

const dir = mkdtempSync(join(tmpdir(), "tansu-schemas-"));

describe("file:// source", () => {
  test("file://dir and file://./dir are relative to the working directory, file:///dir absolute", () => {
    expect(schemaDirectory(new URL("file://schemas"))).toBe("schemas/");
    expect(schemaDirectory(new URL("file://./etc/schemas"))).toBe("./etc/schemas");
    expect(schemaDirectory(new URL("file:///etc/tansu%20schemas"))).toBe("/etc/tansu schemas");
  });

  test("versions change on every rewrite; a missing file is null", async () => {
    const source = await openSchemaSource(new URL(`file://${dir}`), {});
    expect(await source.version("none.avsc")).toBeNull();
    expect(await source.read("none.avsc")).toBeNull();
    writeFileSync(join(dir, "t.json"), "{}");
    const v1 = await source.version("t.json");
    expect(await source.read("t.json")).toBe("{}");
    await Bun.sleep(5);
    writeFileSync(join(dir, "t.json"), "[]"); // same size
    const v2 = await source.version("t.json");
    expect(v2).not.toBe(v1);
    writeFileSync(join(dir, "t.next"), '{"a":1}');
    renameSync(join(dir, "t.next"), join(dir, "t.json"));
    expect(await source.version("t.json")).not.toBe(v2);
    expect(source.locate("t.json")).toBe(join(dir, "t.json"));
  });

  test("a directory that does not exist, and schemes other than file and s3, are configuration errors", async () => {
    await expect(openSchemaSource(new URL(`file://${dir}/missing`), {})).rejects.toThrow(`--schema-registry: ${dir}/missing is not a directory`);
    await expect(openSchemaSource(new URL("file://"), {})).rejects.toThrow("no directory");
    await expect(openSchemaSource(new URL("http://example.com/schemas"), {})).rejects.toThrow("expected file://dir or s3://bucket/prefix");
  });
});

describe("s3:// source", () => {
  const objects = new Map<string, { body: string; etag: string }>();
  const requests: string[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const path = decodeURIComponent(new URL(req.url).pathname);
      requests.push(`${req.method} ${path} ${req.headers.get("authorization")?.startsWith("AWS4-HMAC-SHA256 Credential=test-key/") ? "signed" : "unsigned"}`);
      const object = objects.get(path);
      if (object === undefined) {
        const body = req.method === "HEAD" ? null : "<Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>";
        return new Response(body, { status: 404, headers: { "content-type": "application/xml" } });
      }
      const headers = { etag: object.etag, "content-length": String(Buffer.byteLength(object.body)), "last-modified": new Date(0).toUTCString() };
      return new Response(req.method === "HEAD" ? null : object.body, { headers });
    },
  });
  afterAll(() => server.stop(true));
  const env = { AWS_ENDPOINT: `http://127.0.0.1:${server.port}`, AWS_ALLOW_HTTP: "true", AWS_ACCESS_KEY_ID: "test-key", AWS_SECRET_ACCESS_KEY: "test-secret", AWS_REGION: "eu-west-2" };

  test("HEAD gives the ETag as version, GET the text; path-style, signed; 404 is no file", async () => {
    const source = await openSchemaSource(new URL("s3://schemas/prod/topics/"), env);
    expect(await source.version("orders.avsc")).toBeNull();
    objects.set("/schemas/prod/topics/orders.avsc", { body: '{"type":"record"}', etag: '"abc"' });
    expect(await source.version("orders.avsc")).toBe('"abc"');
    expect(await source.read("orders.avsc")).toBe('{"type":"record"}');
    expect(await source.read("missing.avsc")).toBeNull();
    expect(source.locate("orders.avsc")).toBe("s3://schemas/prod/topics/orders.avsc");
    expect(requests).toEqual([
      "HEAD /schemas/prod/topics/orders.avsc signed",
      "HEAD /schemas/prod/topics/orders.avsc signed",
      "GET /schemas/prod/topics/orders.avsc signed",
      "GET /schemas/prod/topics/missing.avsc signed",
    ]);
  });

  test("a bucket without a prefix; other failures throw", async () => {
    const source = await openSchemaSource(new URL("s3://flat"), env);
    objects.set("/flat/t.json", { body: "{}", etag: '"1"' });
    expect(await source.version("t.json")).toBe('"1"');
    const down = await openSchemaSource(new URL("s3://flat"), { ...env, AWS_ENDPOINT: "http://127.0.0.1:1" });
    await expect(down.version("t.json")).rejects.toThrow();
  });

  test("an http endpoint needs AWS_ALLOW_HTTP; a bucket is required", async () => {
    await expect(openSchemaSource(new URL("s3://b/p"), { ...env, AWS_ALLOW_HTTP: undefined })).rejects.toThrow("set AWS_ALLOW_HTTP=true");
    await expect(openSchemaSource(new URL("s3:///p"), env)).rejects.toThrow("no bucket");
  });
});
