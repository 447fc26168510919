/**
 * The NHI card's behaviour, pure: given a command APDU, the response APDU a card of the given kind answers.
 * Kinds cover the real card and the failures a counter meets (another card, a dead chip, truncated data …).
 */
import { NHI_AID, PROFILE_LENGTH } from "../apdu.js";

export type CardBehavior =
  /** A working NHI card answering with `profile` (which may itself hold bad data). */
  | "nhi"
  /** Some other card (bank, transit …): the NHI application is missing. */
  | "wrong-aid"
  /** ATR but no answer to any command. */
  | "mute"
  /** READ PROFILE returns fewer than 57 bytes with 90 00. */
  | "short-profile"
  /** READ PROFILE fails with `readStatus` (default 65 81, memory failure). */
  | "read-error";

export interface AppletConfig {
  behavior: CardBehavior;
  /** What READ PROFILE returns before the status word. */
  profile: Uint8Array;
  /** AID the card holds (the NHI one unless it is another card). */
  aid?: Uint8Array;
  readStatus?: number;
}

const sw = (value: number) => Uint8Array.of(value >> 8, value & 0xff);
const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
};
const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

export const OTHER_CARD_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x01, 0x72, 0x95, 0x00, 0x01);

export class NhiApplet {
  #selected = false;

  constructor(private readonly config: AppletConfig) {}

  /** Power off / reset: the selection is lost. */
  reset(): void {
    this.#selected = false;
  }

  /** Returns the response APDU, or undefined for a card that stays silent. */
  respond(apdu: Uint8Array): Uint8Array | undefined {
    const { behavior } = this.config;
    if (behavior === "mute") return undefined;
    if (apdu.length < 4) return sw(0x6700);
    const [cla, ins, p1, p2] = apdu as unknown as [number, number, number, number];
    if (cla !== 0x00) return sw(0x6e00);
    if (ins === 0xa4) {
      if (p1 !== 0x04 || apdu.length < 5) return sw(0x6a86);
      const lc = apdu[4]!;
      if (apdu.length < 5 + lc) return sw(0x6700);
      const aid = apdu.subarray(5, 5 + lc);
      const own = behavior === "wrong-aid" ? (this.config.aid ?? OTHER_CARD_AID) : (this.config.aid ?? NHI_AID);
      this.#selected = equal(aid, own);
      return sw(this.#selected ? 0x9000 : 0x6a82);
    }
    if (ins === 0xca && p1 === 0x11 && p2 === 0x00) {
      if (!this.#selected) return sw(0x6985);
      if (behavior === "read-error") return sw(this.config.readStatus ?? 0x6581);
      const profile =
        behavior === "short-profile"
          ? this.config.profile.subarray(0, Math.min(this.config.profile.length, PROFILE_LENGTH - 1))
          : this.config.profile;
      return concat(profile, sw(0x9000));
    }
    return sw(0x6d00);
  }
}
