/** The decision for one scanned visit ID: dispense, override (NHI unreachable), card-needed or block, and why. */
import type { CardIdentity } from "./identity.js";
import type { Message } from "./message.js";
import type { PaperEntryCause } from "./paper-prescription.js";
import type { PrescriptionView } from "./prescription-view.js";
import type { DecisionReason } from "./reasons.js";
import type { RefillWindow } from "./refill-rules.js";
import type { VisitIdCorrection } from "./visit-id.js";

export interface Decision {
  /** The visit ID as scanned, and what it normalized to. */
  input: string;
  originalVisitId?: string;
  corrections: VisitIdCorrection[];
  /**
   * dispense: confirming now dispenses; override: only with a pharmacist's reason (NHI unreachable);
   * card-needed: a chronic refill with no identity evidence yet (insert the card, scan the virtual card, or type the
   * ID from the paper with a reason); block: refuse.
   */
  outcome: "dispense" | "override" | "card-needed" | "block";
  /** The evidence confirming still needs (with card-needed): the patient's card or a typed ID with a reason. */
  missingEvidence?: "patient-card";
  /** The identity evidence this decision was made with (absent: none). */
  evidence?: { source: CardIdentity["source"]; nationalId: string };
  /**
   * Names this decision (input, evidence, refill, outcome, reasons, refill states): a confirm that carries it is
   * refused with the fresh decision (a conflict) when the decision would now differ.
   */
  token?: string;
  /** The refill this dispensing would be (1-based). */
  refillNo?: number;
  prescription?: PrescriptionView;
  window?: RefillWindow;
  reasons: DecisionReason[];
  /**
   * Set when the scan alone cannot decide but the prescription may be entered from the paper (the service's
   * `checkPaper` / `dispensePaper`): NHI unreachable and never seen here, not uploaded yet (D024), or SM00.
   */
  paperEntry?: PaperEntryCause;
  /** 可調劑 / 不可調劑 … in big words. */
  headline: Message;
  nhiReachable: boolean;
  checkedAt: string;
}
