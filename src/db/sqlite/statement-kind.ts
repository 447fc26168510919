/**
 * Whether a statement answers rows, and so which sqlite3 call runs it: `all` (rows) or `run` (the number of rows it
 * changed, from sqlite3's `changes`). Kysely's own query nodes say so directly; raw SQL is read token by token,
 * skipping comments, string literals and quoted identifiers, so a comment or a value that says "returning" or
 * "select" changes nothing.
 */
import {
  type CompiledQuery,
  DeleteQueryNode,
  InsertQueryNode,
  MergeQueryNode,
  SelectQueryNode,
  UpdateQueryNode,
} from "kysely";

export type StatementKind = "rows" | "changes";

const ROW_STATEMENTS = new Set(["select", "values", "pragma", "explain"]);
const WRITE_STATEMENTS = new Set(["insert", "update", "delete", "replace"]);

export function statementKind(query: CompiledQuery): StatementKind {
  const node = query.query;
  if (SelectQueryNode.is(node)) return "rows";
  if (InsertQueryNode.is(node) || UpdateQueryNode.is(node) || DeleteQueryNode.is(node) || MergeQueryNode.is(node)) {
    return node.returning !== undefined ? "rows" : "changes";
  }
  return rawStatementKind(query.sql);
}

/**
 * The kind of a raw SQL statement: its verb is the first top-level SELECT/VALUES/PRAGMA/EXPLAIN (rows) or
 * INSERT/UPDATE/DELETE/REPLACE (changes, unless a top-level RETURNING follows); a `WITH … AS (…)` prefix is skipped
 * by its parentheses. Anything else (CREATE, DROP, BEGIN …) runs for its effect.
 */
export function rawStatementKind(text: string): StatementKind {
  let depth = 0;
  let writing = false;
  for (const word of words(text)) {
    if (word === "(") depth++;
    else if (word === ")") depth--;
    else if (depth !== 0) continue;
    else if (writing) {
      if (word === "returning") return "rows";
    } else if (ROW_STATEMENTS.has(word)) return "rows";
    else if (WRITE_STATEMENTS.has(word)) writing = true;
  }
  return "changes";
}

/** The lower-cased words and parentheses of a statement, without comments, literals or quoted identifiers. */
function* words(text: string): Generator<string> {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i]!;
    if (c === "-" && text[i + 1] === "-") {
      const end = text.indexOf("\n", i);
      i = end < 0 ? n : end + 1;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'" || c === '"' || c === "`" || c === "[") {
      const close = c === "[" ? "]" : c;
      let j = i + 1;
      // A doubled quote inside a literal is the quote itself.
      while (j < n && !(text[j] === close && text[j + 1] !== close)) j += text[j] === close ? 2 : 1;
      i = j + 1;
    } else if (c === "(" || c === ")") {
      yield c;
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(text[j]!)) j++;
      yield text.slice(i, j).toLowerCase();
      i = j;
    } else {
      i++;
    }
  }
}
