/** Central answers are checked at the adapter: a 200 with the wrong shape is "NHI unavailable or garbled". */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NhiGarbledAnswerError, NhiUnavailableError } from "./client.js";
import { createHttpNhiCentral } from "./sandbox/index.js";

let server: Server;
let url: string;
let answer: unknown;
beforeEach(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(typeof answer === "string" ? answer : JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

const caller = { institutionCode: "5901010001" };

describe("central answers of the wrong shape", () => {
  it("a status without the patient's national ID is garbled, never passed on", async () => {
    answer = {
      found: true,
      status: { originalVisitId: "X", refillCount: "three", refills: [{ state: "maybe" }], orders: [] },
    };
    const error = await createHttpNhiCentral(url)
      .prescriptionStatus(caller, "OUSE4FA11RP4J370WR4K")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NhiGarbledAnswerError);
    expect(error).toBeInstanceOf(NhiUnavailableError);
    expect((error as Error).message).toMatch(/^NHI unavailable or garbled: prescriptionStatus answered /);
    expect((error as NhiGarbledAnswerError).problems.join("\n")).toMatch(/nationalId/);
  });

  it("every central operation checks its answer: upload, virtual card, and a body that is not JSON", async () => {
    const central = createHttpNhiCentral(url);
    answer = { uploadId: 42 };
    await expect(central.upload(caller, new Uint8Array([60]))).rejects.toBeInstanceOf(NhiGarbledAnswerError);
    answer = { valid: true, nationalId: "A123456789" };
    await expect(central.verifyVirtualCard(caller, "t")).rejects.toBeInstanceOf(NhiGarbledAnswerError);
    answer = "<html>proxy login</html>";
    await expect(central.prescriptionStatus(caller, "OUSE4FA11RP4J370WR4K")).rejects.toThrow(
      /NHI unavailable or garbled/,
    );
  });

  it("a well-shaped answer passes, unknown extra fields dropped", async () => {
    answer = { found: false, code: "D024", message: { zh: "未上傳", en: "not uploaded" }, extra: 1 };
    expect(await createHttpNhiCentral(url).prescriptionStatus(caller, "OUSE4FA11RP4J370WR4K")).toEqual({
      found: false,
      code: "D024",
      message: { zh: "未上傳", en: "not uploaded" },
    });
  });
});
