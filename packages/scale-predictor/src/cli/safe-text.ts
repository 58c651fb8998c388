/**
 * Text from records and files reaches a terminal: control characters (ESC sequences that move
 * the cursor, rewrite the title or the clipboard, C1 controls such as CSI) are shown as visible
 * escapes, never passed through. Newlines and tabs are kept.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** JSON for a terminal: JSON.stringify already escapes C0 controls; C1 controls and DEL are escaped too (valid JSON). */
export function terminalSafeJson(json: string): string {
  return json.replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
