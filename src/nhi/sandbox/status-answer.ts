/** The answer to a status query by M16: D074 for an ID that cannot be checked, D024 before the prescriber uploaded. */
import { msg } from "../../domain/message.js";
import { isVisitId, SM00_VISIT_ID } from "../../domain/visit-id.js";
import type { PrescriptionStatusResult } from "../client.js";
import type { SandboxState } from "./state.js";
import type { DecodedVisitId } from "./types.js";

export function statusAnswer(
  state: SandboxState,
  decode: (visitId: string) => DecodedVisitId | undefined,
  originalVisitId: string,
): PrescriptionStatusResult {
  // A prescription on file had its visit ID checked when the prescriber uploaded it (D002), so the keyed decode
  // (about ten HMACs) is needed only to tell an ID NHI never issued (D074) from one not uploaded yet (D024).
  const checkable = originalVisitId !== SM00_VISIT_ID && isVisitId(originalVisitId);
  const prescription = checkable ? state.prescription(originalVisitId) : undefined;
  if (prescription) return { found: true, status: state.status(prescription) };
  if (!checkable || !decode(originalVisitId)) {
    return {
      found: false,
      code: "D074",
      message:
        originalVisitId === SM00_VISIT_ID
          ? msg(
              "SM00為2.0格式實施前之處方，無法查詢調劑狀態",
              "SM00 marks a prescription from before format 2.0; its status cannot be queried",
            )
          : msg(
              "就醫識別碼無效，無法查詢調劑狀態（D074）",
              "Invalid visit ID: the prescription status cannot be checked (D074)",
            ),
    };
  }
  return {
    found: false,
    code: "D024",
    message: msg(
      "原處方院所尚未上傳此處方（D024）：無法確認是否已於他處調劑",
      "The prescriber has not uploaded this prescription (D024): dispensing elsewhere cannot be ruled out",
    ),
  };
}
