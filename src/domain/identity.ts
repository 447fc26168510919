/** Who the patient is, as the counter established it (IC card, virtual card, or typed from the paper). */
import type { RocDate } from "./roc-date.js";

/**
 * The patient as identified at the counter, and by what evidence: the NHI IC card read by this terminal's own
 * reader, a virtual-card QR token verified with NHI, or the national ID typed from the paper prescription with a
 * reason (card not shown: the 補卡 path).
 */
export interface CardIdentity {
  source: "ic-card" | "virtual-card" | "typed";
  nationalId: string;
  name?: string;
  birthDate?: RocDate;
  sex?: "M" | "F";
  cardNumber?: string;
  /** Virtual cards: issued to a proxy (family member) rather than the patient. */
  proxy?: boolean;
  /** Typed from the paper: why no card was read (recorded with the dispensing). */
  typedReason?: string;
}
