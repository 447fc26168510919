/** What the counter screen is doing: the phases of one scan, from the field to a dispensing. */
import type { Message } from "../src/domain/message.js";
import type { CardIdentity, Decision, DecisionReason, DispenseResult } from "../src/service/types.js";
import type { Confirmed } from "./confirm-steps.js";
import type { Note } from "./i18n.js";
import type { PaperField, PaperValues } from "./paper-draft.js";
import type { PaperEntry } from "./paper-flow.js";

export type Done = Extract<DispenseResult, { ok: true }>;

export type Phase =
  | { kind: "idle" }
  | { kind: "checking"; input: string }
  | {
      kind: "decided";
      decision: Decision;
      note?: Note;
      cardId?: string;
      stale?: boolean;
      /** Confirmed before this decision: the paper entry it was made from. */
      confirmed?: Confirmed;
    }
  /** The prescription entered from the paper, field by field (ui-terminal/paper-flow.ts). */
  | {
      kind: "paper";
      decision: Decision;
      values: PaperValues;
      errors: Partial<Record<PaperField, Note>>;
      problem?: Note;
      /** Each check's answer is a new form (its cursor on the first error). */
      attempt: number;
    }
  /** D024 on a chronic refill 2+: the pharmacist's reason to dispense anyway. */
  | { kind: "d024"; decision: Decision; entry: PaperEntry; error?: Note }
  /** F9's steps before dispensing (./confirm-steps.ts): J000 checks, the abnormal cause, the override reason. */
  | { kind: "j000"; decision: Decision; confirmed: Confirmed }
  | { kind: "cause"; decision: Decision; confirmed: Confirmed }
  | { kind: "override"; decision: Decision; confirmed: Confirmed; error?: Note }
  /** Card-not-shown path: the national ID from the paper, then the reason. */
  | { kind: "typed-id"; decision: Decision; error?: Note }
  | { kind: "typed-reason"; decision: Decision; nationalId: string; error?: Note }
  | { kind: "dispensing"; decision: Decision }
  | { kind: "done"; decision: Decision; result: Done; slip?: string; slipError?: Note }
  | { kind: "refused"; decision?: Decision; reasons: DecisionReason[]; stale?: boolean; cardId?: string }
  | { kind: "invalid"; input: string; message: Message }
  | { kind: "error"; text: Note };

/** Phases in which a question on screen has the keyboard. */
export const PROMPTING: readonly Phase["kind"][] = [
  "paper",
  "d024",
  "j000",
  "cause",
  "override",
  "typed-id",
  "typed-reason",
];

/** Which identity evidence a decision was checked with (a change re-checks it). */
export function identityKey(card: CardIdentity | undefined): string | undefined {
  return card ? `${card.source}:${card.nationalId}` : undefined;
}
