/** Who the patient is, as the counter established it (IC card or virtual card). */
import type { RocDate } from "./roc-date.js";

/** The patient as identified at the counter. */
export interface CardIdentity {
  source: "ic-card" | "virtual-card";
  nationalId: string;
  name?: string;
  birthDate?: RocDate;
  sex?: "M" | "F";
  cardNumber?: string;
  /** Virtual cards: issued to a proxy (family member) rather than the patient. */
  proxy?: boolean;
}
