/**
 * From the codes found on a page to what the pharmacist needs: which codes are visit IDs (with any I→1 / O→0
 * corrections) or virtual NHI card tokens, which belong to the same prescription, and whether the forms of one
 * prescription (1D barcode, QR, typed text) disagree. A disagreement is reported as a conflict, never resolved by
 * picking one. Pure logic: no image, no I/O.
 */
import { type Message, msg } from "../domain/message.js";
import { isVirtualCardToken } from "../domain/virtual-card-token.js";
import { describeCorrections, parseVisitId, type VisitIdCorrection } from "../domain/visit-id.js";
import { type Box, boxOf, type Corners, describeLocation, gap, longestSide, unionBox } from "./geometry.js";

export type { Box, Corners, Point } from "./geometry.js";

/** "1d" for linear barcodes (Code 128, Code 39…), "qr" for QR codes, "text" for what was typed or wedge-scanned. */
export type CodeForm = "1d" | "qr" | "text";

/** One code as the reader returned it. */
export interface RawCode {
  /** zxing format name: "Code128", "Code39", "QRCode"… */
  format: string;
  text: string;
  corners?: Corners;
}

export type CodeMeaning =
  | { kind: "visit-id"; visitId: string; corrections: VisitIdCorrection[]; correctionNote?: Message }
  | { kind: "virtual-card"; token: string }
  | { kind: "other"; reason: Message };

export interface ScannedCode {
  format: string;
  form: CodeForm;
  text: string;
  /** Bounding box in image pixels (absent for typed text). */
  box?: Box;
  corners?: RawCode["corners"];
  /** Where on the page, for people: 「頁面左上」 / "top left of the page". */
  location?: Message;
  meaning: CodeMeaning;
}

export interface PrescriptionSource {
  form: CodeForm;
  format: string;
  text: string;
  visitId: string;
  box?: Box;
  location?: Message;
  corrections: VisitIdCorrection[];
}

export interface PrescriptionScan {
  /** The agreed visit ID; absent when the forms disagree (see `conflict`). */
  visitId?: string;
  sources: PrescriptionSource[];
  corrections?: Message;
  conflict?: {
    values: { visitId: string; forms: string[] }[];
    message: Message;
  };
  box?: Box;
  location?: Message;
}

export interface VirtualCardScan {
  token: string;
  format: string;
  box?: Box;
  location?: Message;
}

export type ScanProblemCode = "no-code" | "not-visit-id" | "conflict" | "several-prescriptions" | "corrected";

export interface ScanProblem {
  code: ScanProblemCode;
  message: Message;
}

export interface Interpretation {
  codes: ScannedCode[];
  prescriptions: PrescriptionScan[];
  virtualCards: VirtualCardScan[];
  /** The visit ID when the image shows exactly one prescription whose forms agree. */
  visitId?: string;
  /** The virtual-card token when exactly one was found. */
  virtualCardToken?: string;
  /** A visit ID or a virtual-card token can be used. */
  usable: boolean;
  /** Notes and refusals for the pharmacist, most important first. */
  problems: ScanProblem[];
}

const FORM_NAMES: Record<string, Message> = {
  Code128: msg("一維條碼 Code 128", "Code 128 barcode"),
  Code39: msg("一維條碼 Code 39", "Code 39 barcode"),
  Code39Std: msg("一維條碼 Code 39", "Code 39 barcode"),
  Code39Ext: msg("一維條碼 Code 39", "Code 39 barcode"),
  Code93: msg("一維條碼 Code 93", "Code 93 barcode"),
  QRCode: msg("QR 碼", "QR code"),
  MicroQRCode: msg("Micro QR 碼", "Micro QR code"),
  text: msg("輸入文字", "typed text"),
};

export function formName(format: string): Message {
  return FORM_NAMES[format] ?? msg(`條碼 ${format}`, `${format} code`);
}

export function formOf(format: string): CodeForm {
  if (format === "text") return "text";
  return /QR/i.test(format) ? "qr" : "1d";
}

/** What one scanned or typed text is: a visit ID (with corrections), a virtual-card token, or neither (and why). */
export function meaningOf(text: string): CodeMeaning {
  if (isVirtualCardToken(text)) return { kind: "virtual-card", token: text.trim() };
  const parsed = parseVisitId(text);
  if (parsed.valid && parsed.kind === "standard") {
    return {
      kind: "visit-id",
      visitId: parsed.visitId,
      corrections: parsed.corrections,
      ...(parsed.corrections.length > 0 ? { correctionNote: describeCorrections(parsed.corrections) } : {}),
    };
  }
  if (parsed.valid) {
    // SM00 / MISS are placeholders for record fields, never printed as a prescription's key.
    return {
      kind: "other",
      reason: msg(
        `「${parsed.visitId}」是上傳用的特殊值，不是處方箋上的就醫識別碼`,
        `"${parsed.visitId}" is a special upload value, not the visit ID of a prescription`,
      ),
    };
  }
  return { kind: "other", reason: parsed.reason };
}

interface Group {
  visitIds: Set<string>;
  codes: ScannedCode[];
}

function formsOf(group: Group): Set<CodeForm> {
  return new Set(group.codes.map((c) => c.form));
}

/**
 * Groups visit-ID codes into prescriptions. Codes with the same visit ID belong together. Two groups with different
 * IDs are one prescription printed inconsistently (a conflict) when they complement each other (no form twice: one
 * only the 1D barcode, the other only the QR) and sit close together (gap no larger than the longest code side);
 * otherwise they are separate prescriptions, e.g. two slips on one sheet, each with its own barcode and QR.
 */
function groupPrescriptions(codes: ScannedCode[]): Group[] {
  const byId = new Map<string, Group>();
  for (const code of codes) {
    if (code.meaning.kind !== "visit-id" || code.form === "text") continue;
    const id = code.meaning.visitId;
    const group = byId.get(id) ?? { visitIds: new Set([id]), codes: [] };
    group.codes.push(code);
    byId.set(id, group);
  }
  const groups = [...byId.values()];
  let merged = true;
  while (merged) {
    merged = false;
    outer: for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        const a = groups[i]!;
        const b = groups[j]!;
        const formsA = formsOf(a);
        if ([...formsOf(b)].some((f) => formsA.has(f))) continue;
        const boxesA = a.codes.flatMap((c) => (c.box ? [c.box] : []));
        const boxesB = b.codes.flatMap((c) => (c.box ? [c.box] : []));
        const ua = unionBox(boxesA);
        const ub = unionBox(boxesB);
        if (!ua || !ub) continue;
        if (gap(ua, ub) > longestSide([...boxesA, ...boxesB])) continue;
        groups[i] = { visitIds: new Set([...a.visitIds, ...b.visitIds]), codes: [...a.codes, ...b.codes] };
        groups.splice(j, 1);
        merged = true;
        break outer;
      }
    }
  }
  // Reading order: top to bottom, then left to right.
  const key = (g: Group) => unionBox(g.codes.flatMap((c) => (c.box ? [c.box] : [])));
  return groups.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (!ka || !kb) return 0;
    return Math.abs(ka.y - kb.y) > Math.max(ka.height, kb.height) / 2 ? ka.y - kb.y : ka.x - kb.x;
  });
}

function sourceOf(code: ScannedCode): PrescriptionSource {
  const meaning = code.meaning as Extract<CodeMeaning, { kind: "visit-id" }>;
  return {
    form: code.form,
    format: code.format,
    text: code.text,
    visitId: meaning.visitId,
    corrections: meaning.corrections,
    ...(code.box ? { box: code.box } : {}),
    ...(code.location ? { location: code.location } : {}),
  };
}

function conflictMessage(values: { visitId: string; forms: string[] }[]): Message {
  const zh = values.map((v) => `${v.forms.map((f) => formName(f).zh).join("、")}為 ${v.visitId}`).join("；");
  const en = values.map((v) => `${v.forms.map((f) => formName(f).en).join(", ")}: ${v.visitId}`).join("; ");
  return msg(
    `同一張處方箋上的就醫識別碼不一致（${zh}），請核對處方箋原本並向原處方院所確認，勿逕行調劑`,
    `The visit IDs on this prescription disagree (${en}); check the original paper and ask the prescriber before dispensing`,
  );
}

export interface InterpretOptions {
  /** The visit ID as typed or wedge-scanned at the counter, compared with what the image shows. */
  typedText?: string;
  image?: { width: number; height: number };
}

export function interpretCodes(raw: RawCode[], options: InterpretOptions = {}): Interpretation {
  const codes: ScannedCode[] = raw.map((r) => {
    const box = r.corners ? boxOf(r.corners) : undefined;
    return {
      format: r.format,
      form: formOf(r.format),
      text: r.text,
      ...(box ? { box } : {}),
      ...(r.corners ? { corners: r.corners } : {}),
      ...(box && options.image ? { location: describeLocation(box, options.image) } : {}),
      meaning: meaningOf(r.text),
    };
  });

  const groups = groupPrescriptions(codes);
  const typed = options.typedText?.trim() ? options.typedText : undefined;
  let typedCode: ScannedCode | undefined;
  if (typed !== undefined) {
    typedCode = { format: "text", form: "text", text: typed, meaning: meaningOf(typed) };
  }

  const prescriptions: PrescriptionScan[] = groups.map((group) => {
    const sources = group.codes.map(sourceOf);
    return { sources } as PrescriptionScan;
  });
  const problems: ScanProblem[] = [];

  if (typedCode) {
    if (typedCode.meaning.kind === "visit-id") {
      const typedSource = sourceOf(typedCode);
      if (prescriptions.length === 1) prescriptions[0]!.sources.push(typedSource);
      else if (prescriptions.length === 0) prescriptions.push({ sources: [typedSource] });
      else {
        // Several prescriptions: the typed ID belongs to the one that carries it; if none does, say so.
        const match = prescriptions.find((p) => p.sources.some((s) => s.visitId === typedSource.visitId));
        if (match) match.sources.push(typedSource);
        else
          problems.push({
            code: "conflict",
            message: msg(
              `輸入的就醫識別碼 ${typedSource.visitId} 與影像中任何一張處方箋都不相符`,
              `The typed visit ID ${typedSource.visitId} matches none of the prescriptions in the image`,
            ),
          });
      }
    } else if (typedCode.meaning.kind === "other") {
      problems.push({
        code: "not-visit-id",
        message: msg(
          `輸入的文字不是就醫識別碼：${typedCode.meaning.reason.zh}`,
          `The typed text is not a visit ID: ${typedCode.meaning.reason.en}`,
        ),
      });
    }
  }

  for (const p of prescriptions) {
    const boxes = p.sources.flatMap((s) => (s.box ? [s.box] : []));
    const box = unionBox(boxes);
    if (box) {
      p.box = box;
      if (options.image) p.location = describeLocation(box, options.image);
    }
    const byValue = new Map<string, string[]>();
    for (const s of p.sources) byValue.set(s.visitId, [...(byValue.get(s.visitId) ?? []), s.format]);
    if (byValue.size === 1) {
      p.visitId = p.sources[0]!.visitId;
    } else {
      const values = [...byValue].map(([visitId, forms]) => ({ visitId, forms: [...new Set(forms)] }));
      p.conflict = { values, message: conflictMessage(values) };
      problems.push({ code: "conflict", message: p.conflict.message });
    }
    const corrected = p.sources.flatMap((s) => s.corrections);
    if (corrected.length > 0) {
      const first = p.sources.find((s) => s.corrections.length > 0)!;
      p.corrections = describeCorrections(first.corrections);
      problems.push({ code: "corrected", message: p.corrections });
    }
  }

  const virtualCards: VirtualCardScan[] = [];
  for (const code of [...codes, ...(typedCode ? [typedCode] : [])]) {
    if (code.meaning.kind !== "virtual-card") continue;
    if (virtualCards.some((v) => v.token === (code.meaning as { token: string }).token)) continue;
    virtualCards.push({
      token: code.meaning.token,
      format: code.format,
      ...(code.box ? { box: code.box } : {}),
      ...(code.location ? { location: code.location } : {}),
    });
  }

  const agreed = prescriptions.filter((p) => p.visitId !== undefined);
  if (prescriptions.length > 1) {
    problems.push({
      code: "several-prescriptions",
      message: msg(
        `影像中有 ${prescriptions.length} 張處方箋，請逐張確認`,
        `The image shows ${prescriptions.length} prescriptions; handle them one at a time`,
      ),
    });
  }
  const usable = agreed.length > 0 || virtualCards.length > 0;
  if (!usable && !problems.some((p) => p.code === "conflict")) {
    const imageCodes = codes.filter((c) => c.form !== "text");
    if (imageCodes.length === 0) {
      problems.unshift({
        code: "no-code",
        message: msg(
          "影像中找不到條碼或 QR 碼；請對準處方箋上的條碼重新拍攝（對焦清楚、避免反光與遮擋），或直接輸入就醫識別碼",
          "No barcode or QR code found in the image; photograph the prescription's barcode again (in focus, no glare, nothing covering it) or type the visit ID",
        ),
      });
    } else {
      const list = imageCodes.map((c) => `${formName(c.format).zh}「${c.text}」`).join("、");
      const listEn = imageCodes.map((c) => `${formName(c.format).en} "${c.text}"`).join(", ");
      problems.unshift({
        code: "not-visit-id",
        message: msg(
          `影像中的條碼都不是就醫識別碼（${list}）；就醫識別碼為20碼英數字，請確認拍到的是處方箋上的條碼`,
          `None of the codes in the image is a visit ID (${listEn}); a visit ID has 20 letters and digits — make sure the prescription's own barcode is in the picture`,
        ),
      });
    }
  }

  const result: Interpretation = { codes, prescriptions, virtualCards, usable, problems };
  if (prescriptions.length === 1 && prescriptions[0]!.visitId) result.visitId = prescriptions[0]!.visitId;
  if (virtualCards.length === 1) result.virtualCardToken = virtualCards[0]!.token;
  return result;
}
