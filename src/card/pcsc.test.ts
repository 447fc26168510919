import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { CardError } from "./errors.js";
import type { PcscClient } from "./pcsc.js";
import { mapPcscError } from "./pcsc-errors.js";
import { chooseReader } from "./read.js";
import { describeState, parseReaderList, type ReaderStatus, SCARD_STATE } from "./reader-status.js";

describe("pcsclite error mapping", () => {
  it.each([
    ["SCardEstablishContext error: Service not available.(0x8010001d)", "pcscd-not-running"],
    ["SCardGetStatusChange error: Service was stopped.(0x8010001e)", "pcscd-not-running"],
    ["SCardConnect error: No smart card inserted.(0x8010000c)", "no-card"],
    ["SCardTransmit error: Card was removed.(0x80100069)", "card-removed"],
    ["SCardConnect error: Sharing violation.(0x8010000b)", "reader-busy"],
    ["SCardConnect error: Card protocol mismatch.(0x8010000f)", "card-mute"],
    ["SCardConnect error: Card is unresponsive.(0x80100066)", "card-mute"],
    ["SCardConnect error: Unknown reader specified.(0x80100009)", "reader-removed"],
    ["SCardTransmit error: Transaction failed.(0x80100016)", "transmit-failed"],
    ["something odd", "transmit-failed"],
  ])("%s → %s", (text, code) => {
    const error = mapPcscError(new Error(text), "R");
    expect(error.code).toBe(code);
    expect(error.reason.zh).not.toBe("");
  });

  it("passes CardErrors through", () => {
    const original = new CardError("wrong-card", { zh: "x", en: "y" });
    expect(mapPcscError(original)).toBe(original);
  });
});

describe("reader list and state", () => {
  it("parses pcsclite's NUL-separated reader list", () => {
    expect(parseReaderList(Buffer.from("Virtual PCD 00 00\0Virtual PCD 00 01\0\0"))).toEqual([
      "Virtual PCD 00 00",
      "Virtual PCD 00 01",
    ]);
    expect(parseReaderList(Buffer.from("\0"))).toEqual([]);
  });

  it("decodes state bits, ignoring the event counter in the high word", () => {
    const s = describeState("R", 0x10022 | SCARD_STATE.INUSE, Uint8Array.of(0x3b, 0x00));
    expect(s).toMatchObject({ present: true, empty: false, mute: false, inUse: true, atr: "3B00" });
    expect(describeState("R", 0x40012)).toMatchObject({ present: false, empty: true, atr: undefined });
    expect(describeState("R", SCARD_STATE.PRESENT | SCARD_STATE.MUTE).mute).toBe(true);
  });
});

/** Just enough of PcscClient for chooseReader. */
function fakeClient(statuses: Partial<ReaderStatus>[]): PcscClient {
  const emitter = new EventEmitter();
  const full = statuses.map((s) => ({ ...describeState(s.reader!, 0), ...s }) as ReaderStatus);
  return Object.assign(emitter, {
    waitForReaderList: async () => full.map((s) => s.reader),
    status: async (reader: string) => full.find((s) => s.reader === reader)!,
    waitForStatus: async () => undefined,
  }) as unknown as PcscClient;
}

async function chooseError(client: PcscClient, wanted?: string): Promise<CardError> {
  try {
    await chooseReader(client, wanted);
  } catch (error) {
    if (error instanceof CardError) return error;
    throw error;
  }
  throw new Error("expected chooseReader to fail");
}

describe("chooseReader", () => {
  it("no reader at all", async () => {
    const error = await chooseError(fakeClient([]));
    expect(error.code).toBe("no-reader");
    expect(error.reason.zh).toContain("找不到讀卡機");
  });

  it("readers but no card", async () => {
    const error = await chooseError(fakeClient([{ reader: "A", empty: true }]));
    expect(error).toMatchObject({ code: "no-card", reader: "A" });
  });

  it("prefers a working card over a mute one, and reports a mute one when it is all there is", async () => {
    const both = fakeClient([
      { reader: "A", present: true, mute: true },
      { reader: "B", present: true },
    ]);
    expect((await chooseReader(both)).reader).toBe("B");
    expect((await chooseReader(fakeClient([{ reader: "A", mute: true }]))).reader).toBe("A");
  });

  it("a named reader that is not there", async () => {
    const error = await chooseError(fakeClient([{ reader: "A" }]), "B");
    expect(error.code).toBe("reader-not-found");
    expect(error.reason.en).toContain("Available readers: A");
  });
});
