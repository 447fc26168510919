/**
 * The counts of a check-result report (檢核結果): what NHI received and how much of it was valid. The VPN query page
 * (seed 000 §如何得知是否上傳成功?-1, seed 004 §三(一)) shows 接收筆數 / 有效明細筆數 / 接收醫令 / 有效醫令 / 無效明細筆數 /
 * 無效醫令 per upload; downloaded reports carry the same counts in their header and 實際接收筆數 at the end. Lines
 * look like `接收筆數:[ 55 ]`, `有效明細筆數：54`, `無效明細=1`, possibly several pairs on one line.
 */
import { type Message, msg } from "../../domain/message.js";

export interface CheckReportSummary {
  /** 接收筆數 (header). */
  received?: number;
  /** 實際接收筆數 (trailer). */
  actualReceived?: number;
  /** 有效明細(筆數): records accepted, warnings included. */
  valid?: number;
  /** 無效明細(筆數): records rejected; the report has one block for each. */
  invalid?: number;
  /** 接收醫令 / 有效醫令 / 無效醫令: order lines (MB2). */
  receivedOrders?: number;
  validOrders?: number;
  invalidOrders?: number;
}

export type SummaryKey = keyof CheckReportSummary;

/** Longest labels first, so 實際接收筆數 is not read as 接收筆數. */
const LABELS: readonly [RegExp, SummaryKey][] = [
  [/^實際接收筆數$/, "actualReceived"],
  [/^接收筆數$/, "received"],
  [/^有效明細(?:筆數)?$/, "valid"],
  [/^無效明細(?:筆數)?$/, "invalid"],
  [/^接收醫令(?:筆數)?$/, "receivedOrders"],
  [/^有效醫令(?:筆數)?$/, "validOrders"],
  [/^無效醫令(?:筆數)?$/, "invalidOrders"],
];

const PAIR_RE = /([\u4e00-\u9fff]{2,8})\s*[:：=]\s*[[［]?\s*(\d{1,9})\s*[\]］]?/g;
const SEPARATORS_RE = /^[\s,，、|]*$/;

/**
 * The counts on a line made only of `label: n` pairs with labels this module knows, or undefined for any other line.
 */
export function summaryPairs(line: string): [SummaryKey, number][] | undefined {
  if (line.indexOf("筆") === -1 && line.indexOf("醫令") === -1 && line.indexOf("明細") === -1) return undefined;
  const pairs: [SummaryKey, number][] = [];
  let last = 0;
  for (const m of line.matchAll(PAIR_RE)) {
    if (!SEPARATORS_RE.test(line.slice(last, m.index))) return undefined;
    const key = LABELS.find(([re]) => re.test(m[1]!))?.[1];
    if (key === undefined) return undefined;
    pairs.push([key, Number(m[2])]);
    last = m.index + m[0].length;
  }
  if (pairs.length === 0 || !SEPARATORS_RE.test(line.slice(last))) return undefined;
  return pairs;
}

const LABEL_TEXT: Record<SummaryKey, string> = {
  received: "接收筆數",
  actualReceived: "實際接收筆數",
  valid: "有效明細",
  invalid: "無效明細",
  receivedOrders: "接收醫令",
  validOrders: "有效醫令",
  invalidOrders: "無效醫令",
};

/** A count given twice with different values is a problem; the same value twice is not. */
export function addSummaryPair(summary: CheckReportSummary, key: SummaryKey, value: number): Message | undefined {
  const seen = summary[key];
  if (seen !== undefined && seen !== value) {
    return msg(
      `${LABEL_TEXT[key]}出現兩次且不一致（${seen}、${value}）`,
      `${LABEL_TEXT[key]} (${key}) is given twice with different values (${seen}, ${value})`,
    );
  }
  summary[key] = value;
  return undefined;
}

/**
 * Mismatches between the counts and the blocks read: every rejected record has a block, so 無效明細 must equal the
 * blocks with a rejection (blocks with only warnings or notices belong to 有效明細); valid + invalid = received.
 */
export function summaryMismatches(
  summary: CheckReportSummary,
  blocks: { recordNo: number; rejected: boolean }[],
): Message[] {
  const out: Message[] = [];
  const { received, actualReceived, valid, invalid } = summary;
  if (received !== undefined && actualReceived !== undefined && received !== actualReceived) {
    out.push(
      msg(
        `接收筆數（${received}）與實際接收筆數（${actualReceived}）不符`,
        `接收筆數 (${received}) and 實際接收筆數 (${actualReceived}) differ`,
      ),
    );
  }
  const total = actualReceived ?? received;
  if (total !== undefined && valid !== undefined && invalid !== undefined && valid + invalid !== total) {
    out.push(
      msg(
        `有效明細（${valid}）加無效明細（${invalid}）不等於接收筆數（${total}）`,
        `valid (${valid}) plus invalid (${invalid}) records is not the ${total} received`,
      ),
    );
  }
  const rejected = blocks.filter((b) => b.rejected).length;
  if (invalid !== undefined && invalid !== rejected) {
    out.push(
      msg(
        `無效明細為${invalid}筆，報表中退件之紀錄區塊卻有${rejected}筆，報表可能不完整`,
        `the report counts ${invalid} invalid record(s) but holds ${rejected} rejected record block(s): it may be incomplete`,
      ),
    );
  }
  const beyond = total === undefined ? undefined : blocks.find((b) => b.recordNo > total);
  if (beyond !== undefined) {
    out.push(
      msg(
        `第[${beyond.recordNo}]筆超出接收筆數（${total}）`,
        `record ${beyond.recordNo} is beyond the ${total} record(s) received`,
      ),
    );
  }
  const { receivedOrders: ro, validOrders: vo, invalidOrders: io } = summary;
  if (ro !== undefined && vo !== undefined && io !== undefined && vo + io !== ro) {
    out.push(
      msg(
        `有效醫令（${vo}）加無效醫令（${io}）不等於接收醫令（${ro}）`,
        `valid (${vo}) plus invalid (${io}) order lines is not the ${ro} received`,
      ),
    );
  }
  return out;
}
