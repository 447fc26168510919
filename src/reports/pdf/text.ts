/**
 * Line breaking for mixed Traditional Chinese / Latin text: CJK may break between any two characters, Latin runs
 * break at spaces (and, when a single run is wider than the line, between characters), and closing punctuation
 * never starts a line (kinsoku).
 */

/** Characters that must not begin a line. */
const NO_LINE_START = new Set([..."，。、．：；！？）」』】〕〉》”’…‥,.:;!?)]}%"]);
/** Characters that must not end a line. */
const NO_LINE_END = new Set([..."（「『【〔〈《“‘([{"]);

function isWide(cp: number): boolean {
  return (
    (cp >= 0x2e80 && cp <= 0x9fff) ||
    (cp >= 0xac00 && cp <= 0xd7af) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xffef) ||
    cp >= 0x20000
  );
}

/** Splits text into unbreakable pieces: a CJK character, a Latin word, or a run of spaces. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let word = "";
  const flush = () => {
    if (word) tokens.push(word);
    word = "";
  };
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === " ") {
      flush();
      const last = tokens[tokens.length - 1];
      if (last?.startsWith(" ")) tokens[tokens.length - 1] = `${last} `;
      else tokens.push(" ");
    } else if (isWide(cp)) {
      flush();
      tokens.push(ch);
    } else {
      word += ch;
    }
  }
  flush();
  // Glue kinsoku characters to their neighbours so a break never separates them.
  const glued: string[] = [];
  for (const token of tokens) {
    const prev = glued[glued.length - 1];
    const first = [...token][0]!;
    if (
      prev !== undefined &&
      !prev.startsWith(" ") &&
      (NO_LINE_START.has(first) || NO_LINE_END.has([...prev].at(-1)!))
    ) {
      glued[glued.length - 1] = prev + token;
    } else {
      glued.push(token);
    }
  }
  return glued;
}

/**
 * Greedy wrap of `text` into lines no wider than `maxWidth` (as measured by `measure`). Explicit `\n` starts a new
 * line. Never returns an empty array.
 */
export function wrapText(text: string, maxWidth: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    let lineWidth = 0;
    const push = () => {
      lines.push(line.trimEnd());
      line = "";
      lineWidth = 0;
    };
    for (const token of tokenize(paragraph)) {
      const w = measure(token);
      if (token.startsWith(" ")) {
        if (line) {
          line += token;
          lineWidth += w;
        }
        continue;
      }
      if (lineWidth + w <= maxWidth || !line.trim()) {
        if (w > maxWidth) {
          // A single piece wider than the line (a long code): break it between characters.
          for (const ch of token) {
            const cw = measure(ch);
            if (lineWidth + cw > maxWidth && line.trim()) push();
            line += ch;
            lineWidth += cw;
          }
        } else {
          line += token;
          lineWidth += w;
        }
      } else {
        push();
        line = token;
        lineWidth = w;
      }
    }
    push();
  }
  return lines.length > 0 ? lines : [""];
}
