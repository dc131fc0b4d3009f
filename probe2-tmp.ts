import { S3Client, PutObjectCommand, GetObjectCommand, CreateBucketCommand, ListObjectsV2Command, HeadObjectCommand } from "@aws-sdk/client-s3";
const endpoint = process.argv[2]!;
const c = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "TANSUTESTKEY", secretAccessKey: "TANSUTESTSECRET" }, requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED", maxAttempts: 1 });
const B = "probe";
const t = async (name: string, f: () => Promise<unknown>) => { try { const r: any = await f(); console.log(name, "OK", r?.ETag ?? "", r?.$metadata?.httpStatusCode); return r; } catch (e: any) { console.log(name, "ERR", e.name, e.$metadata?.httpStatusCode, e.message); } };

const p = await t("put", () => c.send(new PutObjectCommand({ Bucket: B, Key: "a", Body: new TextEncoder().encode("hello") })));
console.log("md5", new Bun.CryptoHasher("md5").update("hello").digest("hex"));
const etag: string = p.ETag;
await t("put if-match quoted", () => c.send(new PutObjectCommand({ Bucket: B, Key: "a", Body: new TextEncoder().encode("hello2"), IfMatch: etag })));
await t("put if-match unquoted", () => c.send(new PutObjectCommand({ Bucket: B, Key: "a", Body: new TextEncoder().encode("hello2"), IfMatch: etag.replaceAll('"', "") })));
await t("put if-match stale", () => c.send(new PutObjectCommand({ Bucket: B, Key: "a", Body: new TextEncoder().encode("hello3"), IfMatch: etag.replaceAll('"', "") })));
await t("put if-match missing", () => c.send(new PutObjectCommand({ Bucket: B, Key: "missing", Body: new TextEncoder().encode("x"), IfMatch: "abc" })));
await t("put if-none-match exists", () => c.send(new PutObjectCommand({ Bucket: B, Key: "a", Body: new TextEncoder().encode("x"), IfNoneMatch: "*" })));
await t("put if-none-match new", () => c.send(new PutObjectCommand({ Bucket: B, Key: "b", Body: new TextEncoder().encode("x"), IfNoneMatch: "*" })));
const g = await t("get", () => c.send(new GetObjectCommand({ Bucket: B, Key: "a" })));
await t("get inm", () => c.send(new GetObjectCommand({ Bucket: B, Key: "a", IfNoneMatch: g.ETag })));
await t("get inm unquoted", () => c.send(new GetObjectCommand({ Bucket: B, Key: "a", IfNoneMatch: g.ETag.replaceAll('"', "") })));
const r = await t("get range", () => c.send(new GetObjectCommand({ Bucket: B, Key: "a", Range: "bytes=1-3" })));
console.log(await r.Body.transformToString(), r.ContentRange);
await t("head", () => c.send(new HeadObjectCommand({ Bucket: B, Key: "a" })));
await t("head missing", () => c.send(new HeadObjectCommand({ Bucket: B, Key: "zz" })));
await t("get missing", () => c.send(new GetObjectCommand({ Bucket: B, Key: "zz" })));
const l = await t("list", () => c.send(new ListObjectsV2Command({ Bucket: B, MaxKeys: 1 })));
console.log(JSON.stringify(l.Contents), l.NextContinuationToken, l.IsTruncated);
await t("list nobucket", () => c.send(new ListObjectsV2Command({ Bucket: "nope", MaxKeys: 1 })));
const bad = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "TANSUTESTKEY", secretAccessKey: "wrong" }, maxAttempts: 1 });
try { await bad.send(new ListObjectsV2Command({ Bucket: B, MaxKeys: 1 })); } catch (e: any) { console.log("badcreds", e.name, e.$metadata?.httpStatusCode); }
