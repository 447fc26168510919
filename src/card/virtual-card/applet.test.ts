import { describe, expect, it } from "vitest";
import { fromHex, READ_PROFILE, SELECT_NHI_APPLICATION, toHex } from "../apdu.js";
import { NhiApplet } from "./applet.js";
import { FrameReader, frame } from "./vpcd-protocol.js";

const PROFILE = new Uint8Array(57).fill(0x41);

describe("NhiApplet", () => {
  it("answers SELECT then READ PROFILE with 57 bytes + 90 00", () => {
    const applet = new NhiApplet({ behavior: "nhi", profile: PROFILE });
    expect(toHex(applet.respond(SELECT_NHI_APPLICATION)!)).toBe("9000");
    const response = applet.respond(READ_PROFILE)!;
    expect(response.length).toBe(59);
    expect(toHex(response.subarray(57))).toBe("9000");
  });

  it("refuses READ PROFILE before SELECT and after a reset", () => {
    const applet = new NhiApplet({ behavior: "nhi", profile: PROFILE });
    expect(toHex(applet.respond(READ_PROFILE)!)).toBe("6985");
    applet.respond(SELECT_NHI_APPLICATION);
    applet.reset();
    expect(toHex(applet.respond(READ_PROFILE)!)).toBe("6985");
  });

  it("answers unknown instructions, classes and other AIDs like a card", () => {
    const applet = new NhiApplet({ behavior: "nhi", profile: PROFILE });
    expect(toHex(applet.respond(fromHex("00B0000000"))!)).toBe("6D00");
    expect(toHex(applet.respond(fromHex("80CA110000"))!)).toBe("6E00");
    expect(toHex(applet.respond(fromHex("00A4040002A000"))!)).toBe("6A82");
    expect(toHex(applet.respond(fromHex("00A40400"))!)).toBe("6A86");
  });

  it("models the failing cards", () => {
    expect(toHex(new NhiApplet({ behavior: "wrong-aid", profile: PROFILE }).respond(SELECT_NHI_APPLICATION)!)).toBe(
      "6A82",
    );
    expect(new NhiApplet({ behavior: "mute", profile: PROFILE }).respond(SELECT_NHI_APPLICATION)).toBeUndefined();
    const short = new NhiApplet({ behavior: "short-profile", profile: PROFILE });
    short.respond(SELECT_NHI_APPLICATION);
    expect(short.respond(READ_PROFILE)!.length).toBe(56 + 2);
    const failing = new NhiApplet({ behavior: "read-error", profile: PROFILE, readStatus: 0x6581 });
    failing.respond(SELECT_NHI_APPLICATION);
    expect(toHex(failing.respond(READ_PROFILE)!)).toBe("6581");
  });
});

describe("vpcd framing", () => {
  it("prefixes a 2-byte big-endian length", () => {
    expect(toHex(frame(fromHex("04")))).toBe("000104");
    expect(toHex(frame(new Uint8Array(300))).slice(0, 4)).toBe("012C");
  });

  it("reassembles frames split and merged across chunks, timing each one", () => {
    let now = 0;
    const reader = new FrameReader(() => now);
    expect(reader.push(fromHex("00"))).toEqual([]);
    now = 40;
    expect(reader.push(fromHex("0104 0002"))).toEqual([{ payload: fromHex("04"), assemblyMs: 40 }]);
    now = 45;
    const frames = reader.push(fromHex("9000 000101"));
    expect(frames.map((f) => toHex(f.payload))).toEqual(["9000", "01"]);
    expect(frames[0]!.assemblyMs).toBe(5);
  });
});
