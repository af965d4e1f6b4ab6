/**
 * is_complete for TypeScript: a cell is incomplete while a bracket, string,
 * template or comment is open at its end (the console then shows a
 * continuation prompt), and invalid when a closing bracket has no opener.
 */
import { typescript } from "./typescript.js";

export interface IsCompleteReply {
  status: "complete" | "incomplete" | "invalid";
  indent?: string;
}

/** Marks an open `${` of a template literal on the bracket stack. */
const SUBSTITUTION = -1;

export function isComplete(code: string): IsCompleteReply {
  const ts = typescript();
  const K = ts.SyntaxKind;
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, true, ts.LanguageVariant.Standard, code);
  const closers = new Map<number, number>([
    [K.OpenBraceToken, K.CloseBraceToken],
    [K.OpenParenToken, K.CloseParenToken],
    [K.OpenBracketToken, K.CloseBracketToken],
  ]);
  const open: number[] = [];
  let unterminated = false;
  let last: number = K.Unknown;
  scanner.setOnError(() => {
    unterminated = true;
  });
  for (let token = scanner.scan(); token !== K.EndOfFileToken; token = scanner.scan()) {
    last = token;
    const closer = closers.get(token);
    if (closer !== undefined) {
      open.push(closer);
    } else if (token === K.TemplateHead) {
      open.push(SUBSTITUTION);
    } else if (token === K.CloseBraceToken && open[open.length - 1] === SUBSTITUTION) {
      open.pop();
      if (scanner.reScanTemplateToken(false) === K.TemplateMiddle) open.push(SUBSTITUTION);
    } else if (
      token === K.CloseBraceToken ||
      token === K.CloseParenToken ||
      token === K.CloseBracketToken
    ) {
      if (open.pop() !== token) return { status: "invalid" };
    }
  }
  if (unterminated || open.length > 0)
    return { status: "incomplete", indent: "  ".repeat(Math.min(open.length, 8)) };
  // A trailing binary operator, arrow, dot or comma continues on the next line.
  const continuing = [
    K.CommaToken,
    K.DotToken,
    K.EqualsToken,
    K.EqualsGreaterThanToken,
    K.PlusToken,
    K.MinusToken,
    K.AsteriskToken,
    K.SlashToken,
    K.PercentToken,
    K.AmpersandAmpersandToken,
    K.BarBarToken,
    K.QuestionQuestionToken,
    K.QuestionToken,
    K.ColonToken,
    K.BarToken,
    K.AmpersandToken,
  ];
  if (continuing.includes(last)) return { status: "incomplete", indent: "" };
  return { status: "complete" };
}
