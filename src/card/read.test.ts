import { describe, expect, it } from "vitest";
import { WANG } from "../../test/support/card-profile.js";
import { fromHex, toHex } from "./apdu.js";
import { CardError } from "./errors.js";
import { encodeProfile } from "./profile.js";
import { type ApduTransport, exchange, readNhiProfile } from "./read.js";
import { NhiApplet } from "./virtual-card/applet.js";

const PROFILE = encodeProfile(WANG);

function appletTransport(applet: NhiApplet, log: string[] = []): ApduTransport {
  return {
    reader: "Fake",
    async transmit(apdu) {
      log.push(toHex(apdu));
      const response = applet.respond(apdu);
      if (!response) throw new Error("silent");
      return response;
    },
  };
}

async function readError(transport: ApduTransport): Promise<CardError> {
  try {
    await readNhiProfile(transport);
  } catch (error) {
    if (error instanceof CardError) return error;
    throw error;
  }
  throw new Error("expected the read to fail");
}

describe("readNhiProfile over a transport", () => {
  it("sends SELECT then READ PROFILE and decodes", async () => {
    const log: string[] = [];
    const { profile, raw } = await readNhiProfile(
      appletTransport(new NhiApplet({ behavior: "nhi", profile: PROFILE }), log),
    );
    expect(log).toEqual(["00A4040010D1580000010000000000000000001100", "00CA1100020000"]);
    expect(profile.name).toBe("王小明");
    expect(raw).toBe(toHex(PROFILE));
  });

  it.each([
    ["wrong-aid", "wrong-card"],
    ["short-profile", "short-response"],
    ["read-error", "bad-status"],
  ] as const)("a %s card fails with %s", async (behavior, code) => {
    const error = await readError(appletTransport(new NhiApplet({ behavior, profile: PROFILE })));
    expect(error.code).toBe(code);
    expect(error.reader).toBe("Fake");
  });

  it("a response of one byte is a short response", async () => {
    const error = await readError({ transmit: async () => fromHex("90") });
    expect(error.code).toBe("short-response");
  });
});

describe("exchange (T=0 conventions)", () => {
  it("follows 61xx with GET RESPONSE and joins the data", async () => {
    const sent: string[] = [];
    const answers = [fromHex("6103"), fromHex("010203 6102"), fromHex("0405 9000")];
    const response = await exchange(
      {
        async transmit(apdu) {
          sent.push(toHex(apdu));
          return answers.shift()!;
        },
      },
      fromHex("00CA1100020000"),
    );
    expect(sent).toEqual(["00CA1100020000", "00C0000003", "00C0000002"]);
    expect(toHex(response.data)).toBe("0102030405");
    expect(response.sw).toBe(0x9000);
  });

  it("resends with the right Le after 6Cxx", async () => {
    const sent: string[] = [];
    const answers = [fromHex("6C39"), fromHex("AA 9000")];
    const response = await exchange(
      {
        async transmit(apdu) {
          sent.push(toHex(apdu));
          return answers.shift()!;
        },
      },
      fromHex("00CA1100020000"),
    );
    expect(sent).toEqual(["00CA1100020000", "00CA1100020039"]);
    expect(response.sw).toBe(0x9000);
  });
});
