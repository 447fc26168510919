/**
 * Line breaking for mixed Traditional Chinese / Latin text by the Unicode line breaking algorithm (UAX #14, the
 * `linebreak` package): CJK may break between characters, Latin at spaces, and closing punctuation never starts a
 * line. Lines are filled greedily; a piece wider than a whole line (a long code) is cut between characters.
 */
import LineBreaker from "linebreak";

/** The unbreakable pieces of `text`, each with the spaces that follow it (a break may come after any piece). */
export function breakPieces(text: string): string[] {
  const breaker = new LineBreaker(text);
  const pieces: string[] = [];
  let last = 0;
  for (let next = breaker.nextBreak(); next; next = breaker.nextBreak()) {
    if (next.position > last) pieces.push(text.slice(last, next.position));
    last = next.position;
  }
  return pieces;
}

/**
 * Greedy wrap of `text` into lines no wider than `maxWidth` (as measured by `measure`). Explicit `\n` starts a new
 * line; spaces at a break are dropped. Never returns an empty array.
 */
export function wrapText(text: string, maxWidth: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r\n?|\n/)) {
    let line = "";
    const push = () => {
      lines.push(line.trimEnd());
      line = "";
    };
    for (const piece of breakPieces(paragraph)) {
      if (!line.trim() || measure((line + piece).trimEnd()) <= maxWidth) {
        line += piece;
      } else {
        push();
        line = piece;
      }
      if (measure(line.trimEnd()) > maxWidth) {
        // A single piece wider than the line: cut it between characters.
        const chars = [...line];
        line = "";
        for (const ch of chars) {
          if (line.trim() && measure(line + ch) > maxWidth) push();
          line += ch;
        }
      }
    }
    push();
  }
  return lines.length > 0 ? lines : [""];
}
