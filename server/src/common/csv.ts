/** CSV as spreadsheets open it: UTF-8 with its byte-order mark, comma-separated, CRLF lines. */

/** Quoted when it holds a delimiter, a quote or a line break; a leading formula sign is neutralised. */
export function csvField(value: unknown): string {
  let text = String(value);
  if (/^[=+\-@]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvFile(rows: unknown[][]): string {
  return `\ufeff${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}
