/** The decision for one scanned visit ID: dispense, override (NHI unreachable) or block, and why. */
import type { Message } from "./message.js";
import type { PrescriptionView } from "./prescription-view.js";
import type { DecisionReason } from "./reasons.js";
import type { RefillWindow } from "./refill-rules.js";
import type { VisitIdCorrection } from "./visit-id.js";

export interface Decision {
  /** The visit ID as scanned, and what it normalized to. */
  input: string;
  originalVisitId?: string;
  corrections: VisitIdCorrection[];
  /** dispense: go ahead; override: only with a pharmacist's reason (NHI unreachable); block: refuse. */
  outcome: "dispense" | "override" | "block";
  /** The refill this dispensing would be (1-based). */
  refillNo?: number;
  prescription?: PrescriptionView;
  window?: RefillWindow;
  reasons: DecisionReason[];
  /** 可調劑 / 不可調劑 … in big words. */
  headline: Message;
  nhiReachable: boolean;
  checkedAt: string;
}
