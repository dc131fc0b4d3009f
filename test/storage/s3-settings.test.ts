import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../src/config.ts";
import { DEFAULT_TUNING, describeS3, s3Settings } from "../../src/storage/s3/settings.ts";

const keys = { AWS_ACCESS_KEY_ID: "id", AWS_SECRET_ACCESS_KEY: "secret" };
const local = { ...keys, AWS_ENDPOINT: "http://127.0.0.1:9000", AWS_ALLOW_HTTP: "true" };

describe("s3:// settings", () => {
  test("bucket and prefix come from the URL; AWS itself needs no endpoint and uses virtual-hosted style", () => {
    const s = s3Settings(new URL("s3://my-bucket/some/prefix/"), { ...keys, AWS_REGION: "eu-west-1" });
    expect(s).toMatchObject({ bucket: "my-bucket", prefix: "some/prefix/", endpoint: undefined, region: "eu-west-1", forcePathStyle: false });
    expect(s.credentials).toEqual({ accessKeyId: "id", secretAccessKey: "secret" });
    expect(s3Settings(new URL("s3://b"), keys).prefix).toBe("");
    expect(describeS3(s)).toBe("s3://my-bucket/some/prefix/ in eu-west-1");
  });

  test("custom endpoints use path style; AWS_ENDPOINT_URL_S3 wins over AWS_ENDPOINT; AWS_DEFAULT_REGION is the fallback", () => {
    const s = s3Settings(new URL("s3://b/p"), { ...local, AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9001", AWS_DEFAULT_REGION: "auto" });
    expect(s).toMatchObject({ endpoint: "http://127.0.0.1:9001", forcePathStyle: true, region: "auto" });
    expect(s3Settings(new URL("s3://b/p?path-style=false"), local).forcePathStyle).toBe(false);
    expect(s3Settings(new URL("s3://b"), { ...local, AWS_SESSION_TOKEN: "t" }).credentials.sessionToken).toBe("t");
    expect(describeS3(s)).toBe("s3://b/p/ at http://127.0.0.1:9001");
  });

  test("tuning parameters are read from the query; defaults otherwise", () => {
    const s = s3Settings(new URL("s3://b?linger-ms=0&max-commit-bytes=1024&speculative-commits=false&etag-style=unquoted&poll-ms=25"), local);
    expect(s.tuning).toEqual({ ...DEFAULT_TUNING, lingerMs: 0, maxCommitBytes: 1024, speculativeCommits: false, etagStyle: "unquoted", pollMs: 25 });
    expect(s3Settings(new URL("s3://b"), local).tuning).toEqual(DEFAULT_TUNING);
  });

  test("bad settings are one clear ConfigError each", () => {
    const bad: [string, Record<string, string>, string][] = [
      ["s3:///prefix", local, "no bucket"],
      ["s3://b", { ...local, AWS_ALLOW_HTTP: "" }, "set AWS_ALLOW_HTTP=true"],
      ["s3://b", { ...local, AWS_ENDPOINT: "not a url" }, "not a URL"],
      ["s3://b", { ...local, AWS_ENDPOINT: "ftp://127.0.0.1" }, "expected http:// or https://"],
      ["s3://b", { AWS_ENDPOINT: "https://s3.example" }, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"],
      ["s3://b?linger-ms=-1", local, "linger-ms=-1 must be an integer >= 0"],
      ["s3://b?etag-style=odd", local, "etag-style=odd"],
      ["s3://b?speculative-commits=maybe", local, "is not true or false"],
      ["s3://b?nonsense=1", local, "unknown s3 parameter nonsense"],
      ["s3://b?index-keep-entries=600", local, "index-keep-entries must be below index-max-entries"],
      ["s3://b?orphan-min-age-ms=1000", local, "orphan-min-age-ms must be at least"],
    ];
    for (const [url, env, message] of bad) {
      let error: unknown;
      try {
        s3Settings(new URL(url), env);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(message);
    }
  });

  test("errors name the flag the URL came from (--storage-engine unless told)", () => {
    expect(() => s3Settings(new URL("s3://b"), {})).toThrow("--storage-engine: s3 needs AWS_ACCESS_KEY_ID");
    expect(() => s3Settings(new URL("s3://b?path-style=maybe"), local, undefined, "--lake-url")).toThrow("--lake-url: path-style=maybe is not true or false");
  });
});
