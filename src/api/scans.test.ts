/** POST /api/scans with the real decoder (src/scan) on the generated prescription images in fixtures/scan. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RealApi, startRealApi } from "../../test/support/api-real.js";
import { loadScanner } from "./scanner.js";

const FIXTURES = new URL("../../fixtures/scan/", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(FIXTURES, "manifest.json"), "utf8")) as Record<
  string,
  { visitIds?: string[]; fails?: string }
>;

describe("prescription image upload", () => {
  let h: RealApi;
  beforeAll(async () => {
    const scanner = await loadScanner();
    if (!scanner) throw new Error("src/scan/decode.ts (decodeImage) is missing");
    h = await startRealApi({ scanner, limits: { imageBodyBytes: 2 * 1024 * 1024 } });
  });
  afterAll(async () => h?.close());
  const post = (file: string, type: string) =>
    request(h.url)
      .post("/api/scans")
      .set("Authorization", `Bearer ${h.pharmacistKey}`)
      .set("Content-Type", type)
      .send(readFileSync(join(FIXTURES, file)));

  it("reads the visit ID from a clean print and from a heavy JPEG", async () => {
    for (const [file, type] of [
      ["clean.png", "image/png"],
      ["jpeg-heavy.jpg", "image/jpeg"],
    ] as const) {
      const res = await post(file, type);
      expect(res.status, file).toBe(200);
      expect(res.body.visitId).toBe(manifest[file]!.visitIds![0]);
      expect(res.body.codes.length).toBeGreaterThan(0);
    }
  });

  it("answers 422 with the reason when nothing can be read", async () => {
    const res = await post("blur-hopeless.png", "image/png");
    expect(res.status).toBe(422);
    expect(res.headers["content-type"]).toMatch(/problem\+json/);
    expect(res.body.message.zh.length).toBeGreaterThan(0);
  });

  it("reports conflicting codes instead of picking one", async () => {
    const res = await post("conflict.png", "image/png");
    expect(res.status).toBe(200);
    expect(res.body.visitId).toBeUndefined();
    expect(res.body.problems.map((p: { code: string }) => p.code)).toContain("conflict");
  });

  it("refuses bytes that are not an image, and images over the limit", async () => {
    const notImage = await request(h.url)
      .post("/api/scans")
      .set("Authorization", `Bearer ${h.pharmacistKey}`)
      .set("Content-Type", "image/png")
      .send(Buffer.from("this is not a png"));
    expect(notImage.status).toBe(422);
    expect(notImage.body.code).toMatch(/^scan-/);
    const huge = await request(h.url)
      .post("/api/scans")
      .set("Authorization", `Bearer ${h.pharmacistKey}`)
      .set("Content-Type", "image/png")
      .send(Buffer.alloc(2 * 1024 * 1024 + 1));
    expect(huge.status).toBe(413);
  });
});
