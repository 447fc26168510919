/** A finding: one NHI code for one record (and field), with a zh-TW / English message. */
import { type Message, msg } from "../../domain/message.js";
import { describeNhiCode } from "../error-codes.js";
import { fieldRules } from "./field-rules.js";

export interface Finding {
  /** 1-based position of the record in the upload; 0 for findings about the whole file. */
  recordNo: number;
  /** H00, M15, D05[1] (MB2 fields carry the 1-based order line index). */
  field?: string;
  code: string;
  value?: string;
  message: Message;
}

function fieldLabel(field: string): Message {
  const rule = fieldRules().byId.get(field.replace(/\[\d+\]$/, ""));
  if (!rule) return msg(field, field);
  return msg(`${field} ${rule.zh}`, `${field} (${rule.en})`);
}

/** Builds a finding whose message names the field, the NHI meaning of the code and an optional detail. */
export function finding(recordNo: number, code: string, field?: string, value?: string, detail?: Message): Finding {
  const meaning = describeNhiCode(code).message;
  const label = field ? fieldLabel(field) : undefined;
  const zh = `${label ? `${label.zh}：` : ""}${meaning.zh}${detail ? `（${detail.zh}）` : ""}`;
  const en = `${label ? `${label.en}: ` : ""}${meaning.en}${detail ? ` (${detail.en})` : ""}`;
  const f: Finding = { recordNo, code, message: msg(zh, en) };
  if (field !== undefined) f.field = field;
  if (value !== undefined) f.value = value;
  return f;
}
