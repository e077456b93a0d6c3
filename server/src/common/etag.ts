/**
 * Conditional requests: whether an `If-None-Match` header names the answer's ETag. Browsers'
 * fetch adds `Cache-Control: no-cache` to a request carrying the header, which Express's own
 * freshness check honours: answers that are worth a 304 compare here instead.
 */
export function etagMatches(header: string, etag: string): boolean {
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}
