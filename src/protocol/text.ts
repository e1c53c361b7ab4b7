// The one policy for text people type: display names, call titles and descriptions (REST, src/protocol/
// rest.ts) and chat messages and decline reasons (the room, src/protocol/room.ts). Plain functions, no zod,
// so both schema flavours (zod and zod/mini) and the browser client can use them.

/** C0 and C1 control characters and DEL: they break layouts, terminals and logs, and Postgres refuses NUL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/u;
/** The same, except the tab and line breaks multi-line text keeps. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROLS_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;
/**
 * Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they make text read
 * differently from what it is ("Trojan Source"; "gpj.exe" shown as "exe.jpg").
 */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/u;
/**
 * The invisible direction marks LRM, RLM and ALM. Right-to-left prose may carry them, so chat and
 * descriptions keep them; a one-line name or title has no use for them besides making one look like another.
 */
const BIDI_MARKS = /[\u200e\u200f\u061c]/u;
/** Line and paragraph separators, the byte-order mark and interlinear annotations: invisible formatting. */
const INVISIBLE_FORMATTING = /[\u2028\u2029\ufeff\ufff9-\ufffb\u206a-\u206f]/u;
/** Half of a surrogate pair on its own: not text at all (Postgres cannot store it either). */
const LONE_SURROGATE = /[\ud800-\udfff]/u;
/**
 * What shows nothing by itself: white space, default-ignorable characters (ZWSP, ZWJ, ZWNJ, the Hangul
 * fillers U+115F/U+1160/U+3164/U+FFA0, soft hyphen, variation selectors …), other format characters,
 * combining marks with nothing to combine with, and the blank Braille pattern U+2800.
 */
const INVISIBLE = /[\s\p{Default_Ignorable_Code_Point}\p{Cf}\p{Cc}\p{M}\u2800]/gu;

export interface TextRules {
  /** Tabs and line breaks allowed, and LRM/RLM/ALM (chat, descriptions); otherwise one line. */
  multiline?: boolean;
}

/** The stored form of typed text: Unicode NFC, so the same name typed on two systems is the same string. */
export function normalizeText(text: string): string {
  return text.normalize("NFC");
}

/** Whether `text` has at least one character that shows. */
export function hasVisibleText(text: string): boolean {
  return text.replace(INVISIBLE, "") !== "";
}

/**
 * Why `text` (already normalized) breaks the policy, as the message a person reads; null when it is fine.
 * Empty text passes: whether a field may be empty is the field's own rule.
 */
export function textProblem(text: string, rules: TextRules = {}): string | null {
  if (LONE_SURROGATE.test(text)) return "must be valid Unicode text";
  if ((rules.multiline ? CONTROLS_EXCEPT_LINES : CONTROLS).test(text))
    return "must not contain control characters";
  if (BIDI_CONTROLS.test(text) || (!rules.multiline && BIDI_MARKS.test(text)))
    return "must not contain bidirectional control characters";
  if (INVISIBLE_FORMATTING.test(text)) return "must not contain invisible formatting characters";
  if (text !== "" && !hasVisibleText(text)) return "must contain visible characters";
  return null;
}
